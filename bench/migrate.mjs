// actions/migrate: the time from the proxy's readiness endpoint turning 200 to the migration
// command's start (goal: median ≤ 100 ms; scripts in the wild sleep 5–10 s).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runAction } from '../testkit/local-runner.mjs';

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** @param {number} runs */
export async function benchMigrate(runs) {
  /** @type {number[]} */
  const gaps = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-migrate-'));
    const readyFile = join(dir, 'ready');
    const result = await runAction({
      stage: 'migrate',
      inputs: {
        'database-url': 'postgresql+psycopg2://api:s3cret@/api?host=/cloudsql/acme-dev:europe-west1:main',
        'proxy-path': join(repoRoot, 'bench', 'standins', 'cloud-sql-proxy'),
        port: String(20000 + Math.floor(Math.random() * 20000)),
        // GNU date: the command's start, in epoch milliseconds.
        command: 'date +%s%3N',
      },
      env: { BENCH_READY_FILE: readyFile },
    });
    result.cleanup();
    if (result.code !== 0) throw new Error(`migrate failed in the benchmark:\n${result.log}`);
    const started = Number(/^(\d{13})$/m.exec(result.log)?.[1]);
    gaps.push(started - Number(readFileSync(readyFile, 'utf8')));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nMigrate: proxy ready → command started, ${runs} runs, proxy ready 0.3–1.5 s after its start (goal: median ≤ 100 ms)`,
  );
  console.log('| median ms | max ms |');
  console.log('| ---: | ---: |');
  console.log(`| ${median(gaps).toFixed(0)} | ${Math.max(...gaps).toFixed(0)} |`);
}
