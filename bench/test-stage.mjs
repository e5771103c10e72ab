// actions/test: three commands that each sleep 1 s, in parallel and in sequence (goal ≤ 1.3 s
// in parallel), the import guard over generated trees of 10,000 and 20,000 Python files
// (goal ≤ 2 s for 10,000, and linear growth), and the step's peak memory while its commands
// print about 1 GiB (goal ≤ 100 MB in both modes). `node bench/test-stage.mjs --memory` runs
// the last one alone (BENCH_OUTPUT_MIB and BENCH_LINE_MIB change the sizes).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputVariable, readActionYml, repoRoot, runAction } from '../testkit/local-runner.mjs';

const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };

const CONTRACT = `version: 1
imports:
  forbidden:
    - paths: ["src/**"]
      modules: [google.cloud.secretmanager]
      reason: secrets arrive as environment variables
    - paths: ["src/domain/**", "src/application/**"]
      modules: [google.auth, google.oauth2, google.cloud.iam]
      reason: domain and application layers know no cloud identity
`;

/** A service-like tree: n Python modules of ~40 lines across the layers, a few violations. */
/** @param {number} n */
function pythonTree(n) {
  const root = mkdtempSync(join(tmpdir(), `bench-guard-${n}-`));
  const layers = ['domain', 'application', 'infrastructure', 'api'];
  for (const layer of layers) mkdirSync(join(root, 'src', layer), { recursive: true });
  for (let i = 0; i < n; i++) {
    const layer = layers[i % layers.length] ?? 'api';
    const lines = [
      '"""Module docstring that mentions import google.auth but is no import."""',
      'from __future__ import annotations',
      'import json',
      'import logging',
      'from dataclasses import dataclass, field',
      'from typing import (',
      '    Any,',
      '    Optional,',
      ')',
      i % 2500 === 7 ? 'from google.cloud import secretmanager' : 'from sqlalchemy import select',
      '',
      'log = logging.getLogger(__name__)',
      '',
      '@dataclass',
      `class Thing${i}:`,
      '    name: str',
      '    tags: list[str] = field(default_factory=list)',
      '',
      '    def describe(self) -> str:',
      '        # import os would be a comment',
      "        text = 'from google.oauth2 import id_token'",
      '        return json.dumps({"name": self.name, "text": text})',
      ...Array.from(
        { length: 18 },
        (_, k) =>
          `    def method_${k}(self, value: Any) -> Optional[int]:\n        return len(str(value)) + ${k}`,
      ),
    ];
    writeFileSync(join(root, 'src', layer, `module_${i}.py`), `${lines.join('\n')}\n`);
  }
  writeFileSync(join(root, 'runtime-contract.yml'), CONTRACT);
  return root;
}

const median = (/** @type {number[]} */ values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** @param {number} runs */
export async function benchTestStage(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  const sleep = { lint: 'sleep 1', typecheck: 'sleep 1', test: 'sleep 1' };
  /** @type {number[]} */
  const parallel = [];
  /** @type {number[]} */
  const sequential = [];
  for (let i = 0; i < runs; i++) {
    for (const [mode, times] of /** @type {[string, number[]][]} */ ([
      ['true', parallel],
      ['false', sequential],
    ])) {
      const result = await runAction({ stage: 'test', inputs: { ...sleep, parallel: mode }, cwd: dir });
      result.cleanup();
      if (result.code !== 0) throw new Error(`test stage failed in the benchmark:\n${result.log}`);
      times.push(result.durationMs);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nTest stage: three commands of 1 s each, ${runs} runs (goal: parallel ≤ 1300 ms)`);
  console.log('| mode | median ms | max ms |');
  console.log('| --- | ---: | ---: |');
  console.log(`| parallel | ${median(parallel).toFixed(0)} | ${Math.max(...parallel).toFixed(0)} |`);
  console.log(`| sequential | ${median(sequential).toFixed(0)} | ${Math.max(...sequential).toFixed(0)} |`);

  console.log('\nImport guard over generated Python trees (goal: 10,000 files ≤ 2000 ms, linear growth)');
  console.log('| files | median ms (whole step) | violations found |');
  console.log('| ---: | ---: | ---: |');
  /** @type {Record<number, number>} */
  const byFiles = {};
  for (const n of [10_000, 20_000]) {
    const root = pythonTree(n);
    /** @type {number[]} */
    const times = [];
    let found = 0;
    for (let i = 0; i < 3; i++) {
      const result = await runAction({
        stage: 'test',
        inputs: { contract: join(root, 'runtime-contract.yml') },
        cwd: root,
        timeoutMs: 120_000,
      });
      result.cleanup();
      found = (result.log.match(/^::error title=Runtime contract: forbidden import/gm) ?? []).length;
      times.push(result.durationMs);
    }
    rmSync(root, { recursive: true, force: true });
    byFiles[n] = median(times);
    console.log(`| ${n} | ${median(times).toFixed(0)} | ${found} |`);
  }
  console.log(
    `growth 20,000 / 10,000 files: ${((byFiles[20_000] ?? NaN) / (byFiles[10_000] ?? NaN)).toFixed(2)}× (linear: 2×)`,
  );

  await benchTestStageMemory();
}

/**
 * What a command prints in the memory benchmark: `first`, then `bytes` of 100-character lines
 * (`yes` through `head`, so that pipefail does not see yes's SIGPIPE), then `last`.
 * @param {string} name @param {number} bytes
 */
const printLines = (name, bytes) =>
  `echo ${name}-first; head -c ${Math.floor(bytes / 100) * 100} < <(yes '${'x'.repeat(99)}'); echo ${name}-last`;
/** One line of `bytes` characters with no newline (the relay prints it in pieces). @param {string} name @param {number} bytes */
const printOneLine = (name, bytes) =>
  `echo ${name}-first; head -c ${bytes} /dev/zero | tr '\\0' y; echo; echo ${name}-last`;

const MiB = 1024 ** 2;

/**
 * Reads the action's log as it streams, keeping nothing but counts: the groups in order, each
 * one's content bytes and its first and last lines (a line is cut at 4 KiB here: enough to
 * recognise it).
 */
class LogScanner {
  /** @type {{ title: string, bytes: number, first: string, last: string }[]} */
  groups = [];
  bytes = 0;
  /** The start of the line not yet ended, and its length so far. */
  pending = '';
  pendingLength = 0;
  open = false;
  /** @param {Buffer} chunk */
  push(chunk) {
    this.bytes += chunk.length;
    for (let start = 0; ;) {
      const end = chunk.indexOf(10, start);
      const stop = end === -1 ? chunk.length : end;
      if (this.pending.length < 4096) {
        this.pending += chunk.toString('latin1', start, Math.min(stop, start + 4096 - this.pending.length));
      }
      this.pendingLength += stop - start;
      if (end === -1) return;
      this.line(this.pending, this.pendingLength);
      this.pending = '';
      this.pendingLength = 0;
      start = end + 1;
    }
  }
  /** @param {string} line @param {number} length */
  line(line, length) {
    if (line.startsWith('::group::')) {
      this.groups.push({ title: line.slice(9), bytes: 0, first: '', last: '' });
      this.open = true;
      return;
    }
    if (line === '::endgroup::') this.open = false;
    const group = this.groups.at(-1);
    if (line.startsWith('::') || group === undefined || !this.open) return;
    if (group.first === '') group.first = line;
    group.last = line;
    group.bytes += length + 1;
  }
}

/**
 * Peak memory of the bundled action for about 1 GiB of output, in parallel and in sequence: its
 * own process started with a clean environment, the log read as a stream (the harness keeps no
 * log), the action's VmHWM (peak resident set) read from /proc while it runs, and GNU time's
 * maximum RSS when /usr/bin/time is there (a cross-check that sees the very end too).
 */
export async function benchTestStageMemory() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-memory-'));
  const lineMiB = Number(process.env.BENCH_LINE_MIB ?? 64);
  const outputMiB = Number(process.env.BENCH_OUTPUT_MIB ?? 1024);
  const commands = {
    lint: printOneLine('lint', lineMiB * MiB),
    typecheck: 'echo typecheck-only',
    test: printLines('test', outputMiB * MiB),
  };
  const script = join(repoRoot, 'actions', 'test', 'dist', 'index.js');
  const spec = readActionYml('test');
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  console.log(
    `\nTest stage memory: lint prints one ${lineMiB} MiB line without a newline, test ${outputMiB} MiB of 100-character lines (goal: peak RSS ≤ 100 MB in both modes)`,
  );
  console.log(
    '| mode | peak RSS MB (VmHWM) | max RSS MB (GNU time) | log MB | seconds | groups in order, first and last lines |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const parallel of ['true', 'false']) {
    const home = mkdtempSync(join(dir, 'run-'));
    const summary = join(home, 'summary');
    const output = join(home, 'output');
    writeFileSync(summary, '');
    writeFileSync(output, '');
    mkdirSync(join(home, 'temp'));
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      ...cleanEnv,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: dir,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: join(home, 'temp'),
    };
    for (const [name, input] of Object.entries(spec.inputs ?? {})) {
      if (input.default !== undefined) env[inputVariable(name)] = String(input.default);
    }
    for (const [name, value] of Object.entries({ ...commands, parallel })) env[inputVariable(name)] = value;
    const timeFile = join(home, 'time');
    const started = performance.now();
    const child = spawn(
      time ?? process.execPath,
      time ? ['-f', '%M', '-o', timeFile, process.execPath, script] : [script],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const scanner = new LogScanner();
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => scanner.push(chunk));
    let peakKb = 0;
    /** The node process: time's child when time runs it. */
    const nodePid = () => {
      if (!time) return child.pid;
      try {
        return Number(
          readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0],
        );
      } catch {
        return undefined;
      }
    };
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${nodePid()}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      } catch {
        // Not started yet, or gone.
      }
    }, 10);
    const code = await new Promise((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const timeKb = time ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) : NaN;
    const names = scanner.groups.map((group) => group.title.split(':')[0]);
    const ends = scanner.groups.map((group) => `${group.first.slice(0, 20)}…${group.last.slice(0, 20)}`);
    const correct =
      code === 0 &&
      names.join(',') === 'lint,typecheck,test' &&
      ends.join(' ') === 'lint-first…lint-last typecheck-only…typecheck-only test-first…test-last';
    const verdict = correct ? 'yes' : `NO (exit ${code}): ${names.join(',')} ${ends.join(' ')}`;
    console.log(
      `| ${parallel === 'true' ? 'parallel' : 'sequential'} | ${(peakKb / 1024).toFixed(0)} | ${(timeKb / 1024).toFixed(0)} | ${(scanner.bytes / 1e6).toFixed(0)} | ${seconds.toFixed(1)} | ${verdict} |`,
    );
    const summaryText = readFileSync(summary, 'utf8');
    rmSync(home, { recursive: true, force: true });
    if (!correct) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`test stage failed in the memory benchmark:\n${summaryText}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--memory')) {
  await benchTestStageMemory();
}
