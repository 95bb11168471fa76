#!/usr/bin/env node
/**
 * Checks that built JavaScript runs on any fetch-based runtime (Node, Bun, Deno, Workers): no
 * `node:` imports, no `require(`, no Node-only globals (`Buffer`, `process`, `__dirname`,
 * `__filename`, `setImmediate`, `clearImmediate`).
 *
 * Usage: node scripts/check-runtime-neutral.mjs [dir ...]
 * Default dirs: packages/core/dist and packages/hono/dist. Scans every `*.js`, `*.mjs` and `*.cjs`
 * file below them, ignoring comments (and, for globals, the contents of string literals). Prints
 * `file:line: problem` per finding and exits 1 when there is one; exits 2 when a dir is missing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DIRS = [resolve(packageDir, '../core/dist'), resolve(packageDir, 'dist')];

/** Node-only globals, matched as whole identifiers that are not a property (`x.process`). */
const NODE_GLOBALS = [
  'Buffer',
  'process',
  '__dirname',
  '__filename',
  'setImmediate',
  'clearImmediate',
];

/** Patterns on code with comments removed but strings kept. */
const IMPORT_RULES = [
  { pattern: /\bfrom\s*['"]node:/g, problem: "imports from 'node:'" },
  { pattern: /\bimport\s*\(\s*['"`]node:/g, problem: "dynamic import('node:…')" },
  { pattern: /\bimport\s*['"]node:/g, problem: "side-effect import 'node:…'" },
];

/** Patterns on code with comments removed and string contents blanked. */
const GLOBAL_RULES = [
  { pattern: /(?<![\w$.])require\s*\(/g, problem: 'uses require(' },
  ...NODE_GLOBALS.map((name) => ({
    pattern: new RegExp(`(?:(?<![\\w$.])|(?<=\\.\\.\\.))${name}(?![\\w$])`, 'g'),
    problem: `uses the Node-only global ${name}`,
  })),
];

/** Characters after which a `/` starts a regular expression rather than a division. */
const REGEX_PRECEDERS = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_KEYWORDS =
  /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

/**
 * Two views of `source`, both with every newline kept so line numbers match: `code` has comments
 * blanked; `bare` also has the contents of strings, template text and regex literals blanked.
 * A rough lexer: good enough for compiler output, not a full parser.
 */
export function stripSource(source) {
  let code = '';
  let bare = '';
  const blank = (text) => text.replace(/[^\n]/g, ' ');
  const emit = (codeText, bareText = codeText) => {
    code += codeText;
    bare += bareText;
  };
  /** Stack of template-literal brace depths: inside `${`, braces are counted to find its end. */
  const templates = [];
  let lastSignificant = '';
  let i = 0;
  const n = source.length;
  const readQuoted = (start, quote) => {
    let j = start + 1;
    while (j < n && source[j] !== quote && source[j] !== '\n') {
      j += source[j] === '\\' ? 2 : 1;
    }
    return Math.min(j + 1, n);
  };
  /** From inside a template's text at `start`, up to and including its closing backtick or `${`. */
  const readTemplateText = (start) => {
    let j = start;
    while (j < n) {
      if (source[j] === '\\') j += 2;
      else if (source[j] === '`') return { end: j + 1, opensExpression: false };
      else if (source[j] === '$' && source[j + 1] === '{')
        return { end: j + 2, opensExpression: true };
      else j += 1;
    }
    return { end: n, opensExpression: false };
  };
  const emitTemplateText = (start) => {
    const { end, opensExpression } = readTemplateText(start);
    const text = source.slice(start, end);
    const closer = opensExpression ? '${' : '`';
    const body = text.endsWith(closer) ? text.slice(0, -closer.length) : text;
    emit(text, blank(body) + (text.endsWith(closer) ? closer : ''));
    if (opensExpression) templates.push(0);
    lastSignificant = opensExpression ? '{' : 'x';
    return end;
  };

  while (i < n) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      emit(blank(source.slice(i, stop)));
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      emit(blank(source.slice(i, stop)));
      i = stop;
    } else if (ch === "'" || ch === '"') {
      const stop = readQuoted(i, ch);
      const text = source.slice(i, stop);
      emit(text, ch + blank(text.slice(1, -1)) + (text.length > 1 ? ch : ''));
      lastSignificant = 'x';
      i = stop;
    } else if (ch === '`') {
      emit('`');
      i = emitTemplateText(i + 1);
    } else if (ch === '}' && templates.length > 0 && templates[templates.length - 1] === 0) {
      templates.pop();
      emit('}');
      i = emitTemplateText(i + 1);
    } else if (ch === '/' && startsRegex(code, lastSignificant)) {
      const stop = readRegex(source, i);
      const text = source.slice(i, stop);
      emit(text, `/${blank(text.slice(1))}`);
      lastSignificant = 'x';
      i = stop;
    } else {
      if (templates.length > 0) {
        if (ch === '{') templates[templates.length - 1] += 1;
        else if (ch === '}') templates[templates.length - 1] -= 1;
      }
      emit(ch);
      if (!/\s/.test(ch)) lastSignificant = ch;
      i += 1;
    }
  }
  return { code, bare };
}

function startsRegex(codeSoFar, lastSignificant) {
  if (lastSignificant === '' || REGEX_PRECEDERS.has(lastSignificant)) return true;
  return REGEX_KEYWORDS.test(codeSoFar.trimEnd());
}

function readRegex(source, start) {
  let j = start + 1;
  let inClass = false;
  while (j < source.length && source[j] !== '\n') {
    const ch = source[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      j += 1;
      while (j < source.length && /[a-z]/i.test(source[j])) j += 1;
      return j;
    }
    j += 1;
  }
  return j;
}

/** Findings in one file's source: `{ line, problem }`, in order. */
export function checkSource(source) {
  const { code, bare } = stripSource(source);
  const findings = [];
  const scan = (text, rules) => {
    for (const { pattern, problem } of rules) {
      for (const match of text.matchAll(pattern)) {
        findings.push({ line: lineOf(text, match.index), problem });
      }
    }
  };
  scan(code, IMPORT_RULES);
  scan(bare, GLOBAL_RULES);
  return findings.sort((a, b) => a.line - b.line);
}

function lineOf(text, index) {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (/\.[cm]?js$/.test(entry.name)) yield path;
  }
}

/** Every finding below `dirs`: `{ file, line, problem }`. Throws if a dir does not exist. */
export function checkDirs(dirs) {
  const findings = [];
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`${dir} does not exist; build the package first`);
    }
    for (const file of jsFiles(dir)) {
      for (const finding of checkSource(readFileSync(file, 'utf8'))) {
        findings.push({ file, ...finding });
      }
    }
  }
  return findings;
}

function main(args) {
  const dirs = args.length > 0 ? args.map((dir) => resolve(dir)) : DEFAULT_DIRS;
  let findings;
  try {
    findings = checkDirs(dirs);
  } catch (error) {
    console.error(`check-runtime-neutral: ${error.message}`);
    return 2;
  }
  for (const { file, line, problem } of findings) {
    console.error(`${display(file)}:${line}: ${problem}`);
  }
  if (findings.length > 0) {
    console.error(
      `check-runtime-neutral: ${findings.length} problem(s); these files must run on any runtime`,
    );
    return 1;
  }
  console.log(`check-runtime-neutral: ok (${dirs.map(display).join(', ')})`);
  return 0;
}

/** `path` relative to the working directory when it is below it, else absolute. */
function display(path) {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
