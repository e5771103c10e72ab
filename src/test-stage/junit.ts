import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';

export interface FailedCase {
  suite: string;
  name: string;
  kind: 'failure' | 'error';
  message: string;
  /** Relative to the workspace when known. */
  file?: string;
  line?: number;
}

export interface JunitResult {
  reports: number;
  tests: number;
  failed: FailedCase[];
  /** One line per report that could not be read: a warning, never a crash. */
  problems: string[];
}

type Node = Record<string, unknown>;
const list = (value: unknown): Node[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is Node => typeof item === 'object' && item !== null,
  );
const attribute = (node: Node, name: string): string | undefined => {
  const value = node[`@${name}`];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The first frame of a trace that names a source file: pytest prints `tests/test_x.py:42:
 * AssertionError`, vitest ` ❯ test/x.test.ts:42:7` (a function's name may come between), jest
 * `at Object.<anonymous> (/abs/src/x.test.ts:42:7)`.
 */
const TRACE_LOCATION =
  /^[ \t]*(?:❯[ \t]+(?:\S+[ \t]+)?|at .*?\(?)?([\w./-]+\.(?:py|[cm]?[jt]sx?)):(\d+)(?::\d+)?\)?(?::|\s|$)/m;

function location(testcase: Node, failure: Node): { file?: string; line?: number } {
  const file = attribute(testcase, 'file');
  const line = Number(attribute(testcase, 'line'));
  if (file !== undefined) return Number.isInteger(line) && line > 0 ? { file, line } : { file };
  const text = typeof failure['#text'] === 'string' ? failure['#text'] : '';
  const match = TRACE_LOCATION.exec(text);
  if (match?.[1] !== undefined) return { file: match[1], line: Number(match[2]) };
  const classname = attribute(testcase, 'classname');
  return classname !== undefined && /\.(?:py|[cm]?[jt]sx?)$/.test(classname) ? { file: classname } : {};
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A character reference's text; an invalid code point stays as written. */
function fromReference(reference: string, codePoint: number): string {
  return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff
    ? String.fromCodePoint(codePoint)
    : reference;
}

/**
 * XML's own entities and its character references (pytest writes a message's newlines as
 * `&#10;`, which the parser's default decoder leaves as they are); entities a DOCTYPE declares
 * are not expanded: a JUnit report has no use for them.
 */
const XML_ENTITY_DECODER = {
  decode: (text: string): string =>
    text.replace(/&(?:#(\d+)|#x([\da-f]+)|(amp|lt|gt|quot|apos));/gi, (reference, decimal, hex, name) =>
      typeof name === 'string'
        ? (XML_ENTITIES[name] ?? reference)
        : fromReference(reference, typeof decimal === 'string' ? Number(decimal) : parseInt(String(hex), 16)),
    ),
  setExternalEntities: (): void => undefined,
  addInputEntities: (): void => undefined,
  reset: (): void => undefined,
  setXmlVersion: (): void => undefined,
};

/** The failed and errored test cases of one JUnit XML document (nested suites included). */
export async function parseJunit(xml: string): Promise<{ tests: number; failed: FailedCase[] }> {
  // Loaded only when a report is read: the parser is not part of every start.
  const [{ XMLParser }, { SyntaxValidator }] = await Promise.all([
    import('fast-xml-parser'),
    import('fast-xml-validator'),
  ]);
  try {
    SyntaxValidator.validate(xml);
  } catch (error) {
    const where = (error as { line?: number }).line;
    throw new Error(
      `not well-formed XML: ${(error as Error).message}${where === undefined ? '' : ` (line ${where})`}`,
      { cause: error },
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    parseAttributeValue: false,
    parseTagValue: false,
    entityDecoder: XML_ENTITY_DECODER,
  });
  const document = parser.parse(xml) as Node;
  // An element without attributes or children (`<testsuites/>`: no tests ran) parses as text.
  if (!('testsuites' in document) && !('testsuite' in document)) {
    throw new Error('no <testsuites> or <testsuite> element: is this a JUnit report?');
  }
  const roots = [
    ...list(document['testsuites']),
    ...list(document['testsuite']).map((suite) => ({ testsuite: suite })),
  ];
  let tests = 0;
  const failed: FailedCase[] = [];
  const visit = (suite: Node, parentName: string): void => {
    const name = attribute(suite, 'name') ?? parentName;
    for (const testcase of list(suite['testcase'])) {
      tests++;
      for (const kind of ['failure', 'error'] as const) {
        for (const failure of list(testcase[kind]).concat(
          typeof testcase[kind] === 'string' ? [{ '#text': testcase[kind] }] : [],
        )) {
          const text = typeof failure['#text'] === 'string' ? failure['#text'] : '';
          failed.push({
            suite: name,
            name:
              [attribute(testcase, 'classname'), attribute(testcase, 'name')].filter(Boolean).join(' › ') ||
              '(unnamed)',
            kind,
            message: attribute(failure, 'message') ?? (text.trim().split('\n')[0] || kind),
            ...location(testcase, failure),
          });
        }
      }
    }
    for (const child of list(suite['testsuite'])) visit(child, name);
  };
  for (const root of roots) {
    for (const suite of list(root['testsuite'])) visit(suite, attribute(root, 'name') ?? '');
  }
  return { tests, failed };
}

/** Reads every report the glob matches; paths in the result are relative to the workspace. */
export async function readJunitReports(
  workingDirectory: string,
  workspace: string,
  glob: string,
): Promise<JunitResult> {
  const tinyglobby = await import('tinyglobby');
  const files = (
    await tinyglobby.glob([glob], {
      cwd: workingDirectory,
      absolute: true,
      dot: true,
      ignore: ['**/node_modules/**'],
    })
  ).sort();
  const result: JunitResult = { reports: files.length, tests: 0, failed: [], problems: [] };
  for (const file of files) {
    const shown = relative(workspace, file);
    try {
      const parsed = await parseJunit(await readFile(file, 'utf8'));
      result.tests += parsed.tests;
      for (const failure of parsed.failed) {
        const located =
          failure.file === undefined
            ? undefined
            : isAbsolute(failure.file)
              ? failure.file
              : join(workingDirectory, failure.file);
        result.failed.push({
          ...failure,
          ...(located === undefined ? {} : { file: relative(workspace, located) }),
        });
      }
    } catch (error) {
      result.problems.push(`${shown}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return result;
}
