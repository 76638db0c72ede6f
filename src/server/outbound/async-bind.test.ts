import { AsyncLocalStorage, AsyncResource, executionAsyncId, triggerAsyncId } from 'node:async_hooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bindMakesWrappers, installLeanAsyncBind, leanAsyncBind } from './async-bind.js';

// Node's own, kept to compare with and put back after.
const nativeBind = AsyncResource.prototype.bind;
afterAll(() => {
  AsyncResource.prototype.bind = nativeBind;
});

// Node's types leave out bind's second parameter (thisArg), which its code takes.
type Bind = (
  this: AsyncResource,
  fn: (...args: never[]) => unknown,
  thisArg?: unknown,
) => (...args: unknown[]) => unknown;
const implementations: [string, Bind][] = [
  ['lean', leanAsyncBind as Bind],
  ['native', nativeBind as Bind],
];

/** What a bound function sees when it runs: scope, store, this and arguments. */
function observe(bind: Bind, thisArg?: unknown) {
  const storage = new AsyncLocalStorage<string>();
  const resource = storage.run('the request', () => new AsyncResource('PendingRequest'));
  const bound = bind.call(
    resource,
    function (this: unknown, a: number, b: number) {
      return {
        scope: executionAsyncId() === resource.asyncId(),
        trigger: triggerAsyncId() === resource.triggerAsyncId(),
        store: storage.getStore(),
        self: this,
        args: [a, b],
      };
    },
    thisArg,
  );
  return { bound, resource, outside: storage.getStore() };
}

describe('AsyncResource.bind without a pair of deprecation wrappers per call (issue 19)', () => {
  it('still warns DEP0172 when the deprecated asyncResource property is read, and gives the resource', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const { bound, resource } = observe(leanAsyncBind as Bind);
    expect(warn).not.toHaveBeenCalled();
    expect((bound as unknown as { asyncResource: unknown }).asyncResource).toBe(resource);
    expect(warn.mock.calls.some((call) => call.includes('DEP0172'))).toBe(true);
    const other = new AsyncResource('Other');
    (bound as unknown as { asyncResource: unknown }).asyncResource = other;
    expect((bound as unknown as { asyncResource: unknown }).asyncResource).toBe(other);
    warn.mockRestore();
  });

  it.each(implementations)(
    '%s: runs the function in the resource scope with its store, this and arguments',
    (_, bind) => {
      const { bound, outside } = observe(bind);
      expect(outside).toBeUndefined();
      expect(bound.length).toBe(2);
      expect(bound.call('caller', 1, 2)).toEqual({
        scope: true,
        trigger: true,
        store: 'the request',
        self: 'caller',
        args: [1, 2],
      });
      expect(Object.keys(bound)).toContain('asyncResource');
    },
  );

  it.each(implementations)('%s: a thisArg given to bind wins over the caller', (_, bind) => {
    const { bound } = observe(bind, 'bound this');
    expect(bound.call('caller', 3, 4)).toMatchObject({ scope: true, self: 'bound this', args: [3, 4] });
  });

  it.each(implementations)('%s: refuses what is not a function, as Node does', (_, bind) => {
    const resource = new AsyncResource('X');
    expect(() => bind.call(resource, 'not a function' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it.each(implementations)('%s: names the bound function as Node does', (_, bind) => {
    expect(observe(bind).bound.name).toBe('bound');
    expect(observe(bind, {}).bound.name).toBe('bound runInAsyncScope');
  });

  it('takes the place only of Node 20’s own bind, the one that makes the wrappers, not of one put there by another', () => {
    expect(bindMakesWrappers(nativeBind)).toBe(true);
    expect(bindMakesWrappers(leanAsyncBind)).toBe(false);
    const traced = function bind(this: AsyncResource, fn: (...args: never[]) => unknown) {
      return nativeBind.call(this, fn);
    };
    AsyncResource.prototype.bind = traced as typeof nativeBind;
    expect(installLeanAsyncBind()).toBe(false);
    expect(AsyncResource.prototype.bind).toBe(traced);
    AsyncResource.prototype.bind = nativeBind;
  });

  it('is what AsyncResource.bind and every resource use once installed, and installing twice changes nothing', () => {
    expect(installLeanAsyncBind()).toBe(true);
    expect(installLeanAsyncBind()).toBe(true);
    expect(AsyncResource.prototype.bind).toBe(leanAsyncBind);
    const storage = new AsyncLocalStorage<number>();
    const bound = storage.run(7, () => AsyncResource.bind(() => [storage.getStore(), executionAsyncId()]));
    const [store, scope] = bound();
    expect(store).toBe(7);
    expect(scope).not.toBe(executionAsyncId());
  });
});
