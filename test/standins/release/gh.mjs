#!/usr/bin/env node
// @ts-nocheck -- a stand-in for a CLI, written as gh behaves, not typed (it ran untyped inside
// test/release/workflow.test.ts before it became a file).
// The gh stand-in of the release workflow's tests and of `npm run release:dry-run`: it keeps
// GitHub's state (releases, refs, annotated tag objects) in the JSON file $GH_STANDIN_STATE, logs
// each call to $GH_STANDIN_CALLS (JSON lines) and prints what gh prints when its stdout is no
// terminal: `--json` as one compact line (keys sorted), `gh api` the response body on stdout and
// `gh: <message> (HTTP <status>)` on stderr for an error status. A plain ES module: it runs
// outside vitest, with the runner's environment. Unknown commands exit 99.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const statePath = process.env.GH_STANDIN_STATE;
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const call = { args, repo: process.env.GH_REPO ?? null };
const noteIndex = args.indexOf('--notes-file');
if (noteIndex >= 0) call.notes = readFileSync(args[noteIndex + 1], 'utf8');
appendFileSync(process.env.GH_STANDIN_CALLS, JSON.stringify(call) + '\n');

function exit(code, stdout = '', stderr = '') {
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}
const unsupported = () => exit(99, '', 'gh stand-in: unsupported command: ' + JSON.stringify(args) + '\n');

if (!process.env.GH_TOKEN) {
  exit(
    4,
    '',
    'gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable. Example:\n  env:\n    GH_TOKEN: $' +
      '{{ github.token }}\n',
  );
}
// Without GH_REPO (or -R) gh asks the git remotes of the working directory: the jobs never rely on that.
if (process.env.GH_REPO !== state.repo) {
  exit(99, '', 'gh stand-in: GH_REPO is ' + process.env.GH_REPO + ', not ' + state.repo + '\n');
}

/** Options of one command: boolean flags, and flags with a value (--x v or --x=v). */
function options(rest, valued, booleans) {
  const found = { positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (valued.includes(flag)) {
      const value = inline ?? rest[++i];
      (found[flag] ??= []).push(value);
    } else if (booleans.includes(flag)) {
      found[flag] = inline ?? 'true';
    } else if (arg.startsWith('-')) {
      exit(1, '', 'unknown flag: ' + arg + '\n');
    } else {
      found.positional.push(arg);
    }
  }
  return found;
}

const RELEASE_FIELDS = ['isDraft', 'isPrerelease', 'name', 'tagName', 'url'];
function exportRelease(tag, fields) {
  const release = state.releases[tag];
  const all = {
    isDraft: release.isDraft,
    isPrerelease: release.isPrerelease,
    name: release.name ?? '',
    tagName: tag,
    url: 'https://github.com/' + state.repo + '/releases/tag/' + tag,
  };
  for (const field of fields) {
    if (!RELEASE_FIELDS.includes(field)) {
      exit(
        1,
        '',
        'Unknown JSON field: "' + field + '"\nAvailable fields:\n  ' + RELEASE_FIELDS.join('\n  ') + '\n',
      );
    }
  }
  // gh builds a Go map: encoding/json writes its keys sorted.
  return Object.fromEntries([...fields].sort().map((field) => [field, all[field]]));
}
const jsonFields = (found) => (found['--json'] ?? []).flatMap((value) => value.split(','));

const [group, command, ...rest] = args;
if (group === 'release' && command === 'view') {
  const found = options(rest, ['--json'], []);
  const tag = found.positional[0];
  if (!found['--json'] || found.positional.length !== 1) unsupported();
  if (!(tag in state.releases)) exit(1, '', 'release not found\n');
  exit(0, JSON.stringify(exportRelease(tag, jsonFields(found))) + '\n');
} else if (group === 'release' && command === 'list') {
  const found = options(rest, ['--json', '--limit', '-L'], ['--exclude-drafts', '--exclude-pre-releases']);
  if (!found['--json'] || found.positional.length !== 0) unsupported();
  const limit = Number((found['--limit'] ?? found['-L'] ?? ['30'])[0]);
  const tags = Object.keys(state.releases)
    .reverse()
    .filter((tag) => !(found['--exclude-drafts'] === 'true' && state.releases[tag].isDraft))
    .filter((tag) => !(found['--exclude-pre-releases'] === 'true' && state.releases[tag].isPrerelease))
    .slice(0, limit);
  exit(0, JSON.stringify(tags.map((tag) => exportRelease(tag, jsonFields(found)))) + '\n');
} else if (group === 'release' && command === 'create') {
  const found = options(
    rest,
    ['--title', '-t', '--notes-file', '-F', '--target'],
    ['--verify-tag', '--prerelease', '-p', '--draft', '-d', '--latest'],
  );
  const tag = found.positional[0];
  if (found.positional.length !== 1) unsupported();
  if (found['--verify-tag'] === 'true' && !('tags/' + tag in state.refs)) {
    exit(
      1,
      '',
      'tag ' + tag + " doesn't exist in the repo " + state.repo + ', aborting due to --verify-tag flag\n',
    );
  }
  if (tag in state.releases) {
    exit(
      1,
      '',
      'HTTP 422: Validation Failed (https://api.github.com/repos/' +
        state.repo +
        '/releases)\nRelease.tag_name already exists\n',
    );
  }
  state.releases[tag] = {
    isDraft: (found['--draft'] ?? found['-d']) === 'true',
    isPrerelease: (found['--prerelease'] ?? found['-p']) === 'true',
    name: (found['--title'] ?? found['-t'] ?? [''])[0],
    body: readFileSync((found['--notes-file'] ?? found['-F'])[0], 'utf8'),
    latest: found['--latest'] ?? null,
  };
  exit(0, 'https://github.com/' + state.repo + '/releases/tag/' + tag + '\n');
} else if (group === 'api') {
  const found = options(
    [command, ...rest],
    ['--method', '-X', '-f', '--raw-field', '-F', '--field'],
    ['--silent'],
  );
  if (found.positional.length !== 1) unsupported();
  const path = found.positional[0].replace(/^\//, '');
  const fields = {};
  for (const pair of [...(found['-f'] ?? []), ...(found['--raw-field'] ?? [])]) {
    fields[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  }
  for (const pair of [...(found['-F'] ?? []), ...(found['--field'] ?? [])]) {
    const raw = pair.slice(pair.indexOf('=') + 1);
    // -F converts true, false, null and integers to JSON values.
    const typed =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw === 'null'
            ? null
            : /^-?\d+$/.test(raw)
              ? Number(raw)
              : raw;
    fields[pair.slice(0, pair.indexOf('='))] = typed;
  }
  const method = (found['--method'] ??
    found['-X'] ?? [Object.keys(fields).length > 0 ? 'POST' : 'GET'])[0].toUpperCase();
  const silent = found['--silent'] === 'true';
  const api = 'https://api.github.com/repos/' + state.repo;
  const docs = {
    getRef: 'https://docs.github.com/rest/git/refs#get-a-reference',
    updateRef: 'https://docs.github.com/rest/git/refs#update-a-reference',
    createRef: 'https://docs.github.com/rest/git/refs#create-a-reference',
    getTag: 'https://docs.github.com/rest/git/tags#get-a-tag',
  };
  const answer = (status, body) => exit(0, silent ? '' : JSON.stringify(body) + '\n');
  const error = (status, message, documentation) =>
    exit(
      1,
      silent
        ? ''
        : JSON.stringify({ message, documentation_url: documentation, status: String(status) }) + '\n',
      'gh: ' + message + ' (HTTP ' + status + ')\n',
    );
  const refBody = (name) => {
    const target = state.refs[name];
    const kind = target.type === 'tag' ? 'tags' : 'commits';
    return {
      ref: 'refs/' + name,
      node_id: 'REF_' + Buffer.from(name).toString('base64'),
      url: api + '/git/refs/' + name,
      object: { sha: target.sha, type: target.type, url: api + '/git/' + kind + '/' + target.sha },
    };
  };
  const failure = state.failures?.[method + ' ' + path];
  if (failure) error(failure.status, failure.message, 'https://docs.github.com/rest');
  const prefix = 'repos/' + state.repo + '/git/';
  if (!path.startsWith(prefix)) unsupported();
  const route = path.slice(prefix.length);
  if (method === 'GET' && route.startsWith('ref/')) {
    const name = route.slice('ref/'.length);
    if (!(name in state.refs)) error(404, 'Not Found', docs.getRef);
    answer(200, refBody(name));
  } else if (method === 'GET' && route.startsWith('tags/')) {
    const object = state.tagObjects[route.slice('tags/'.length)];
    if (!object) error(404, 'Not Found', docs.getTag);
    const tagSha = route.slice('tags/'.length);
    answer(200, {
      node_id: 'TAG_' + tagSha.slice(0, 8),
      sha: tagSha,
      url: api + '/git/tags/' + tagSha,
      tagger: { name: 'Release Bot', email: 'release@example.com', date: '2025-02-14T10:00:00Z' },
      object: {
        sha: object.object.sha,
        type: object.object.type,
        url: api + '/git/commits/' + object.object.sha,
      },
      tag: object.tag,
      message: 'Release ' + object.tag + '\n',
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    });
  } else if (method === 'PATCH' && route.startsWith('refs/')) {
    const name = route.slice('refs/'.length);
    if (!(name in state.refs)) error(422, 'Reference does not exist', docs.updateRef);
    if (typeof fields.sha !== 'string' || !/^[0-9a-f]{40}$/.test(fields.sha)) {
      error(422, 'Invalid request.', docs.updateRef);
    }
    if (fields.force !== true) error(422, 'Update is not a fast forward', docs.updateRef);
    state.refs[name] = { type: 'commit', sha: fields.sha };
    answer(200, refBody(name));
  } else if (method === 'POST' && route === 'refs') {
    const name = String(fields.ref ?? '').replace(/^refs\//, '');
    if (!/^refs\/[^/]+\/./.test(String(fields.ref))) {
      error(422, 'Reference name is not valid', docs.createRef);
    }
    if (name in state.refs) error(422, 'Reference already exists', docs.createRef);
    if (typeof fields.sha !== 'string' || !/^[0-9a-f]{40}$/.test(fields.sha)) {
      error(422, 'Invalid request.', docs.createRef);
    }
    state.refs[name] = { type: 'commit', sha: fields.sha };
    answer(201, refBody(name));
  } else {
    unsupported();
  }
} else {
  unsupported();
}
