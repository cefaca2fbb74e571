#!/usr/bin/env node
// Fails when a relative link or #anchor in README.md, CHANGELOG.md or docs/*.md points at nothing.
// The README is short and sends readers into docs/, so a moved heading must not leave a dead link behind.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// An argument names another tree to check (the unit test points it at a scratch one).
const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const files = [
  ...['README.md', 'CHANGELOG.md'].filter((f) => existsSync(join(root, f))),
  ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')) : []).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown) {
  const seen = new Map();
  const anchors = new Set();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .replace(/<[^>]+>/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function linksOf(markdown) {
  const links = [];
  let fenced = false;
  markdown.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ target: match[1], line: index + 1 });
  });
  return links;
}

const broken = [];
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  for (const { target, line } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, mailto: and the like are not checked offline
    const [path, anchor] = target.split('#');
    const resolved = path ? resolve(dirname(join(root, file)), decodeURIComponent(path)) : join(root, file);
    if (!existsSync(resolved)) {
      broken.push(`${file}:${line}: ${target} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase())) {
      broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${relative(root, resolved)})`);
    }
  }
}
if (broken.length > 0) {
  console.error(`check-links: ${broken.length} broken link(s):\n${broken.map((b) => `  ${b}`).join('\n')}`);
  process.exit(1);
}
console.log(`check-links: ${files.length} files, every relative link and anchor resolves`);
