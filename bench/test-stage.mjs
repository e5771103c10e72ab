// actions/test: three commands that each sleep 1 s, in parallel and in sequence (goal ≤ 1.3 s
// in parallel), and the import guard over generated trees of 10,000 and 20,000 Python files
// (goal ≤ 2 s for 10,000, and linear growth).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../testkit/local-runner.mjs';

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
}
