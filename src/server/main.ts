import type { Config } from './config.js';
import { createFaro, type Faro } from './runtime.js';

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/** Starts Faro, listens, prints the URL, and stops gracefully on SIGTERM/SIGINT. */
export async function runServer(config: Config): Promise<Faro> {
  const startedAt = performance.now();
  const faro = await createFaro(config);
  await faro.app.listen({ host: config.host, port: config.port });
  await faro.serveMetrics();
  const address = faro.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host) ? 'localhost' : config.host;
  const elapsed = Math.round(performance.now() - startedAt);
  faro.app.log.info({ database: faro.database.kind, role: config.role, readyMs: elapsed }, 'Faro is ready');
  if (config.trustProxy && 'hops' in config.trustProxy && !LOOPBACK.includes(config.host)) {
    // Whoever connects directly is taken for the proxy and may say any address in X-Forwarded-For.
    faro.app.log.warn(
      `TRUST_PROXY=${config.trustProxy.hops} while listening on ${config.host}: make sure Faro can be reached only through the proxy, or list the proxies' addresses in TRUST_PROXY instead.`,
    );
  }
  const base = `http://${shownHost}:${port}`;
  process.stdout.write(
    config.role === 'worker'
      ? `\n  Faro worker is running (database: ${faro.database.kind}, ready in ${elapsed} ms): jobs and grouping; ` +
          `${base}/healthz and ${base}/readyz only\n\n`
      : `\n  Faro is running at ${base}  (database: ${faro.database.kind}${config.role === 'web' ? ', role: web, no jobs' : ''}, ready in ${elapsed} ms)\n` +
          `  Report: ${base}/report   Dispatch: ${base}/dispatch\n\n`,
  );

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write('Second signal: exiting now.\n');
      process.exit(1);
    }
    signalled = true;
    faro.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      process.stderr.write(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting.\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs + 2_000);
    timer.unref();
    faro
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return faro;
}
