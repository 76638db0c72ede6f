// `node --import ./bench/cpu-at-exit.mjs …`: writes the process's own CPU time (user + system, ms) to
// stderr as it exits, for bench/start.ts.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`cpu ${(user + system) / 1000}\n`);
});
