// npm run release (script/release.mjs), run for real in throw-away git repositories: a small project
// laid out like this one (package.json with a build script writing to dist/, a lock file, a
// Keep a Changelog CHANGELOG.md, v1.0.0 and v1 tags) whose build is a file copy rather than ncc, so
// that each case takes a moment. The script runs its checks, the build, the commit and the tags
// exactly as it does here; __tests__/dist.test.ts covers the real build with the same "-o" swap.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const RELEASE = join(dirname(fileURLToPath(import.meta.url)), '..', 'script', 'release.mjs')
const TODAY = new Date().toISOString().slice(0, 10)

// Only these variables: no global git config (signing, hooks, templates) reaches the test repos.
const ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release-test@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release-test@example.com'
}

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- A new input.

## [1.0.0] - 2026-01-01

First release.

[Unreleased]: https://github.com/octo-org/demo-action/compare/v1.0.0...HEAD
[1.0.0]: https://github.com/octo-org/demo-action/releases/tag/v1.0.0
`

// The project's build: copies src/index.js to the -o directory.
const BUILD = `import { copyFileSync, mkdirSync } from 'node:fs'
const out = process.argv[process.argv.indexOf('-o') + 1]
mkdirSync(out, { recursive: true })
copyFileSync('src/index.js', out + '/index.js')
`

const ACTION = `name: 'Demo action'
description: 'Does one thing well.'
author: 'Demo authors'
branding:
  icon: 'box'
  color: 'blue'
runs:
  using: 'node24'
  main: 'dist/index.js'
`

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, env: ENV, encoding: 'utf8', timeout: 30_000 })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout.trim()
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true })
  writeFileSync(join(dir, file), text)
}

/** A repository with a released v1.0.0 (tags v1.0.0 and v1), one commit after it, and a bare "origin". */
function makeRepo(): string {
  const base = mkdtempSync(join(tmpdir(), 'release-test-'))
  dirs.push(base)
  const repo = join(base, 'repo')
  const origin = join(base, 'origin.git')
  mkdirSync(repo)
  git(base, 'init', '-q', '--bare', origin)
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'remote', 'add', 'origin', origin)
  write(repo, 'package.json', JSON.stringify({ name: 'demo-action', version: '1.0.0', scripts: { build: 'node build.mjs -o dist' } }, null, 2) + '\n')
  write(
    repo,
    'package-lock.json',
    JSON.stringify({ name: 'demo-action', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'demo-action', version: '1.0.0' } } }, null, 2) + '\n'
  )
  write(repo, 'build.mjs', BUILD)
  write(repo, 'action.yml', ACTION)
  write(repo, 'src/index.js', "console.log('v1.0.0')\n")
  write(repo, 'dist/index.js', "console.log('v1.0.0')\n")
  write(repo, 'CHANGELOG.md', CHANGELOG.replace(/## \[Unreleased\][\s\S]*?(?=## \[1\.0\.0\])/, '## [Unreleased]\n\n'))
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'First release')
  git(repo, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0')
  git(repo, 'tag', 'v1')
  write(repo, 'src/index.js', "console.log('a new input')\n")
  write(repo, 'dist/index.js', "console.log('a new input')\n")
  write(repo, 'CHANGELOG.md', CHANGELOG)
  git(repo, 'commit', '-q', '-am', 'Add an input')
  return repo
}

function release(repo: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [RELEASE, ...args], { cwd: repo, env: ENV, encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

const state = (repo: string) => ({ head: git(repo, 'rev-parse', 'HEAD'), status: git(repo, 'status', '--porcelain'), tags: git(repo, 'tag', '--list') })

test('makes the release commit and tags, moves v1, and pushes nothing', () => {
  const repo = makeRepo()
  const before = git(repo, 'rev-parse', 'HEAD')
  const oldV1 = git(repo, 'rev-parse', 'v1^{commit}')

  const result = release(repo, '1.1.0')
  expect(result).toEqual({ status: 0, stdout: expect.any(String), stderr: '' })

  // One commit on top, with the changelog, package.json and the lock file.
  expect(git(repo, 'rev-parse', 'HEAD~1')).toBe(before)
  expect(git(repo, 'log', '-1', '--format=%s')).toBe('Release v1.1.0')
  expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['CHANGELOG.md', 'package-lock.json', 'package.json'])
  expect(git(repo, 'status', '--porcelain')).toBe('')
  const changelog = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')
  expect(changelog).toContain(`## [Unreleased]\n\n## [1.1.0] - ${TODAY}\n\n### Added\n\n- A new input.\n\n## [1.0.0] - 2026-01-01`)
  expect(changelog).toContain(
    '[Unreleased]: https://github.com/octo-org/demo-action/compare/v1.1.0...HEAD\n[1.1.0]: https://github.com/octo-org/demo-action/compare/v1.0.0...v1.1.0\n[1.0.0]:'
  )
  expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('1.1.0')
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'))
  expect([lock.version, lock.packages[''].version]).toEqual(['1.1.0', '1.1.0'])

  // v1.1.0 on the release commit, annotated with the notes; v1 moved from v1.0.0's commit to it.
  const head = git(repo, 'rev-parse', 'HEAD')
  expect(git(repo, 'rev-parse', 'v1.1.0^{commit}')).toBe(head)
  expect(git(repo, 'cat-file', '-t', 'v1.1.0')).toBe('tag')
  expect(git(repo, 'tag', '-l', '--format=%(contents)', 'v1.1.0')).toContain('- A new input.')
  expect(git(repo, 'rev-parse', 'v1^{commit}')).toBe(head)
  expect(head).not.toBe(oldV1)
  expect(git(repo, 'rev-parse', 'v1.0.0^{commit}')).toBe(oldV1)

  // Nothing pushed; the command to do it is printed, with the notes.
  expect(git(join(repo, '..', 'origin.git'), 'tag', '--list')).toBe('')
  expect(result.stdout).toContain('git push origin HEAD refs/tags/v1.1.0 && git push --force origin refs/tags/v1')
  expect(result.stdout).toContain('- A new input.')

  // The same version again is refused: it is no longer greater than the latest tag.
  expect(release(repo, '1.1.0')).toEqual({ status: 1, stdout: '', stderr: expect.stringContaining('v1.1.0 is not greater than the latest release tag, v1.1.0') })
})

test('--dry-run checks everything and changes nothing', () => {
  const repo = makeRepo()
  const before = state(repo)
  const result = release(repo, '1.1.0', '--dry-run')
  expect(result.status).toBe(0)
  expect(result.stdout).toContain(`Checks passed. npm run release -- 1.1.0 would turn CHANGELOG.md's Unreleased section into "## [1.1.0] - ${TODAY}"`)
  expect(result.stdout).toContain('move v1 there from')
  expect(state(repo)).toEqual(before)
})

describe('refuses, and changes nothing,', () => {
  test.each([
    ['without a version', [], 'Usage: npm run release -- X.Y.Z'],
    ['a version that is not MAJOR.MINOR.PATCH', ['1.2'], '"1.2" is not a version of the form MAJOR.MINOR.PATCH'],
    ['a pre-release', ['1.2.0-rc.1'], 'is not a version of the form MAJOR.MINOR.PATCH'],
    ['a version not greater than the latest tag', ['0.9.0'], 'v0.9.0 is not greater than the latest release tag, v1.0.0'],
    ['the latest version again', ['v1.0.0'], 'v1.0.0 is not greater than the latest release tag, v1.0.0']
  ])('%s', (_, args, message) => {
    const repo = makeRepo()
    const before = state(repo)
    expect(release(repo, ...args)).toEqual({ status: 1, stdout: '', stderr: expect.stringContaining(message) })
    expect(state(repo)).toEqual(before)
  })

  test('a version the changelog already has, though untagged', () => {
    const repo = makeRepo()
    git(repo, 'tag', '-d', 'v1.0.0')
    expect(release(repo, '1.0.0').stderr).toContain('1.0.0 is not greater than 1.0.0, which CHANGELOG.md already has a section for')
  })

  test('a work tree with uncommitted or untracked files', () => {
    const repo = makeRepo()
    write(repo, 'notes.txt', 'draft\n')
    const result = release(repo, '1.1.0')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('the work tree has uncommitted changes')
    expect(result.stderr).toContain('notes.txt')
    expect(git(repo, 'tag', '--list')).toBe('v1\nv1.0.0')
  })

  test('a dist/ that is not the build of what is committed', () => {
    const repo = makeRepo()
    write(repo, 'src/index.js', "console.log('changed without a build')\n")
    git(repo, 'commit', '-q', '-am', 'Change src only')
    const before = state(repo)
    expect(release(repo, '1.1.0')).toEqual({
      status: 1,
      stdout: '',
      stderr: expect.stringContaining('dist/ is not the build of the committed src/ (dist/index.js differ): run npm run build, commit dist/')
    })
    expect(state(repo)).toEqual(before)
  })

  test('an action.yml the Marketplace would refuse', () => {
    const repo = makeRepo()
    write(repo, 'action.yml', ACTION.replace('Does one thing well.', 'x'.repeat(130)).replace("author: 'Demo authors'\n", ''))
    git(repo, 'commit', '-q', '-am', 'A long description')
    const before = state(repo)
    const result = release(repo, '1.1.0')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("action.yml's description is 130 characters; the Marketplace takes fewer than 125")
    expect(result.stderr).toContain('action.yml has no author')
    expect(state(repo)).toEqual(before)
  })

  test('an empty Unreleased section', () => {
    const repo = makeRepo()
    write(repo, 'CHANGELOG.md', CHANGELOG.replace('### Added\n\n- A new input.\n\n', ''))
    git(repo, 'commit', '-q', '-am', 'Nothing to say')
    expect(release(repo, '1.1.0').stderr).toContain('the Unreleased section of CHANGELOG.md is empty')
  })
})
