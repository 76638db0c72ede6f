import { AsyncResource } from 'node:async_hooks';
import { deprecate } from 'node:util';

/**
 * Node's HTTP/2 client binds every request to an AsyncResource of its own
 * (`session.request` → `new AsyncResource('PendingRequest').bind(...)`), and
 * Node 20's `AsyncResource.prototype.bind` gives each bound function an
 * `asyncResource` accessor made of two fresh `util.deprecate` wrappers (DEP0172),
 * each re-prototyped with `Object.setPrototypeOf`. That costs ~16 µs a call:
 * 8 % of the fan-out's main thread, more than the stream itself (CPU profile
 * of a 100k fan-out, issue 19).
 *
 * `leanAsyncBind` does what Node's does — the function runs in the resource's
 * async scope with the caller's `this` (or `thisArg`) and arguments, keeps
 * `fn.length`, and still has the deprecated `asyncResource` accessor, which
 * still warns DEP0172 — with one shared accessor instead of two new wrappers
 * per call. Installed process-wide once, before the first outbound session,
 * only in place of Node's own costly bind.
 */

/** Where the shared accessor finds a bound function's resource. */
const RESOURCE = Symbol('faro.asyncResource');

const warnDeprecated = deprecate(
  () => {},
  'The asyncResource property on bound functions is deprecated',
  'DEP0172',
);

type Bound = ((...args: unknown[]) => unknown) & { [RESOURCE]?: unknown };

const ASYNC_RESOURCE_ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: Bound) {
    warnDeprecated();
    return this[RESOURCE];
  },
  set(this: Bound, value: unknown) {
    warnDeprecated();
    this[RESOURCE] = value;
  },
};

/** `AsyncResource.prototype.bind` without a pair of new deprecation wrappers per call. */
export function leanAsyncBind<F extends (...args: never[]) => unknown>(
  this: AsyncResource,
  fn: F,
  thisArg?: unknown,
): F {
  if (typeof fn !== 'function') {
    const error = new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
    (error as NodeJS.ErrnoException).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  const resource = this;
  const run = fn as unknown as (...args: unknown[]) => unknown;
  // Named as Node's are: `bound`, or `bound runInAsyncScope` with a thisArg.
  const bound: Bound =
    thisArg === undefined
      ? function bound(this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(run, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, run, thisArg);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    value: fn.length,
    writable: false,
  });
  Object.defineProperty(bound, 'asyncResource', ASYNC_RESOURCE_ACCESSOR);
  Object.defineProperty(bound, RESOURCE, { value: resource, writable: true });
  return bound as unknown as F;
}

/**
 * Whether a bind is Node's own that makes the deprecation wrappers: its source names DEP0172. A
 * Node whose bind no longer does (DEP0172 at its end of life), or a bind something else put in
 * place (a tracing agent's), is left alone.
 */
export const bindMakesWrappers = (bind: unknown): boolean =>
  typeof bind === 'function' && Function.prototype.toString.call(bind).includes("'DEP0172'");

/**
 * Puts `leanAsyncBind` in place of `AsyncResource.prototype.bind` where that is Node's own costly
 * one (again: nothing changes). Whether it did.
 */
export function installLeanAsyncBind(): boolean {
  const current = AsyncResource.prototype.bind;
  if (current === leanAsyncBind) return true;
  if (!bindMakesWrappers(current)) return false;
  AsyncResource.prototype.bind = leanAsyncBind as typeof AsyncResource.prototype.bind;
  return true;
}
