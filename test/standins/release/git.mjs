#!/usr/bin/env node
// @ts-nocheck -- a stand-in for a CLI, written as gh behaves, not typed (it ran untyped inside
// test/release/workflow.test.ts before it became a file).
// The release jobs talk to GitHub through its API only: a git call is a mistake, logged to
// $GIT_STANDIN_CALLS and refused.
import { appendFileSync } from 'node:fs';
appendFileSync(process.env.GIT_STANDIN_CALLS, JSON.stringify(process.argv.slice(2)) + '\n');
process.stderr.write('git stand-in: the release jobs use the GitHub API, not git\n');
process.exit(1);
