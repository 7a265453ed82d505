// The documentation a first-time reader meets: the README stays short, and every relative link in
// the Markdown files (README, CONTRIBUTING, SECURITY, CHANGELOG, docs/) leads somewhere, down to
// the heading an anchor names, as GitHub renders it.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const README_LIMIT = 20 * 1024

const MARKDOWN = [
  ...readdirSync(ROOT).filter((file) => file.endsWith('.md')),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`)
].sort()

/** The text outside fenced blocks and code spans, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(\s*)(```+|~~~+)[^\n]*\n[\s\S]*?^\s*\2\s*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's anchors for the headings of a Markdown text: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const [, heading = ''] of prose(markdown.replace(/`([^`\n]*)`/g, '$1')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Each relative link of one Markdown file that does not resolve, as "file: target (why)". */
function brokenLinks(file: string, markdown: string, readFile: (path: string) => string | undefined): string[] {
  const problems: string[] = []
  const targets = [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...markdown.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)]
  for (const [, target = ''] of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
    const [path = '', anchor] = target.split('#', 2)
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)))
    if (resolved.startsWith('..')) {
      problems.push(`${file}: ${target} (leads out of the repository)`)
      continue
    }
    const text = readFile(resolved)
    if (text === undefined) {
      problems.push(`${file}: ${target} (${resolved} does not exist)`)
    } else if (anchor !== undefined && !anchorsOf(text).has(anchor)) {
      problems.push(`${file}: ${target} (${resolved} has no heading with the anchor #${anchor})`)
    }
  }
  return problems
}

function readRepoFile(path: string): string | undefined {
  const full = join(ROOT, path)
  if (relative(ROOT, full).startsWith('..') || !existsSync(full)) return undefined
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8')
}

test(`the README is under ${README_LIMIT} bytes: a first-time reader's five minutes`, () => {
  const size = statSync(join(ROOT, 'README.md')).size
  if (size >= README_LIMIT) throw new Error(`README.md is ${size} bytes; keep it under ${README_LIMIT} by moving details into docs/.`)
})

test('the Markdown files include the README, CONTRIBUTING and docs/', () => {
  expect(MARKDOWN).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md', 'docs/reliability.md']))
})

test.each(MARKDOWN)('every relative link in %s resolves', (file) => {
  const problems = brokenLinks(file, readFileSync(join(ROOT, file), 'utf8'), readRepoFile)
  if (problems.length > 0) throw new Error(`${problems.length} broken link(s):\n${problems.join('\n')}`)
})

test('the README links to every page of docs/', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const unlinked = MARKDOWN.filter((file) => file.startsWith('docs/') && !readme.includes(`](${file}`))
  expect(unlinked).toEqual([])
})

describe('the link check catches', () => {
  const files: Record<string, string> = { 'README.md': '# Title\n\n## Getting the credentials\n', 'docs/a.md': '# A page\n\n## `plan: true` and more\n\n## Same\n\n## Same\n' }
  const read = (path: string) => files[path]

  test.each([
    ['a missing file', 'docs/a.md', '[x](../CONTRIBUTING.md)', 'CONTRIBUTING.md does not exist'],
    ['a missing anchor in another file', 'docs/a.md', '[x](../README.md#getting-credentials)', 'README.md has no heading with the anchor #getting-credentials'],
    ['a missing anchor in the same file', 'README.md', '[x](#quick-start)', 'README.md has no heading with the anchor #quick-start'],
    ['a path out of the repository', 'README.md', '[x](../elsewhere.md)', 'leads out of the repository'],
    ['a reference-style definition', 'README.md', '[x][y]\n\n[y]: docs/b.md', 'docs/b.md does not exist']
  ])('%s', (_, file, markdown, expected) => {
    expect(brokenLinks(file, markdown, read).join('\n')).toContain(expected)
  })

  test('nothing in links that resolve, anchors written as GitHub writes them', () => {
    const markdown = '[a](../README.md#getting-the-credentials) [b](#plan-true-and-more) [c](#same-1) [d](https://example.com/x.md) `[e](nowhere.md)`'
    expect(brokenLinks('docs/a.md', markdown, read)).toEqual([])
  })
})
