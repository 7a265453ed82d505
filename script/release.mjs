// npm run release -- X.Y.Z [--dry-run]
//
// Makes a release of the action in the local repository, and prints the command that publishes it:
//   1. checks: X.Y.Z is a version (MAJOR.MINOR.PATCH) greater than the latest vX.Y.Z tag; the work
//      tree is clean; dist/ is the build of what is committed (the build script is run into a
//      temporary directory and compared file by file); CHANGELOG.md has an Unreleased section with
//      something in it, and no section for X.Y.Z yet; action.yml has what the Marketplace asks
//      (name, a description under 125 characters, author, branding);
//   2. turns "## [Unreleased]" into "## [X.Y.Z] - <today>" under a new, empty Unreleased heading
//      (and updates the compare links at the end, when there are), sets the version in
//      package.json and package-lock.json, and commits that as "Release vX.Y.Z";
//   3. tags the commit vX.Y.Z and moves the major tag vX to it (users who pin @vX get the release);
//   4. pushes nothing: it prints the push command, to run after a look at the result.
// With --dry-run it makes the checks and says what it would do, changing nothing.
// No dependencies beyond Node and git.

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { marketplaceProblems } from './action-metadata.mjs'

const USAGE = 'Usage: npm run release -- X.Y.Z [--dry-run]'
const root = process.cwd()

function fail(message) {
  console.error(`release: ${message}`)
  process.exit(1)
}

function git(...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

/** [major, minor, patch] of "X.Y.Z" or "vX.Y.Z" (no pre-release or build part), else undefined. */
function parseVersion(text) {
  const match = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text)
  return match ? match.slice(1).map(Number) : undefined
}

function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

function filesUnder(dir) {
  const files = []
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.push(relative(dir, path))
    }
  }
  if (existsSync(dir)) walk(dir)
  return files.sort()
}

/** Runs the build script with its output in a temporary directory, and compares that with dist/. */
function checkDist() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const build = pkg.scripts?.build
  if (typeof build !== 'string' || !/(^|\s)(-o|--out) dist(\s|$)/.test(build)) {
    fail('package.json needs a "build" script that writes to dist/ with "-o dist", so that dist/ can be rebuilt elsewhere and compared.')
  }
  const out = mkdtempSync(join(tmpdir(), 'release-dist-'))
  try {
    // Every output under dist/ (the dataflow action builds into dist/dataflow) goes to the same place under out.
    const command = build.replace(/(^|\s)(-o|--out) dist(\/[\w-]+)?(?=\s|$)/g, (_, before, flag, sub) => `${before}${flag} ${JSON.stringify(join(out, sub ?? ''))}`)
    const result = spawnSync(command, {
      cwd: root,
      shell: true,
      encoding: 'utf8',
      // As npm run would: the project's own tools first.
      env: { ...process.env, PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter) }
    })
    if (result.status !== 0) fail(`the build failed (exit ${result.status ?? result.signal}):\n${result.stderr || result.stdout}`)
    const built = filesUnder(out)
    const committed = filesUnder(join(root, 'dist'))
    const differing = [...new Set([...built, ...committed])].filter((file) => {
      const a = join(out, file)
      const b = join(root, 'dist', file)
      return !existsSync(a) || !existsSync(b) || statSync(a).size !== statSync(b).size || !readFileSync(a).equals(readFileSync(b))
    })
    if (differing.length > 0) {
      fail(`dist/ is not the build of the committed src/ (${differing.map((file) => `dist/${file}`).join(', ')} differ): run npm run build, commit dist/, and release again.`)
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** The changelog with the Unreleased section turned into the version's, and its notes. */
function releaseChangelog(text, wanted, date) {
  const version = wanted.join('.')
  const heading = /^## \[Unreleased\][^\n]*$/m.exec(text)
  if (!heading) fail('CHANGELOG.md has no "## [Unreleased]" section to release.')
  for (const [, released] of text.matchAll(/^## \[v?(\d+\.\d+\.\d+)\]/gm)) {
    if (compareVersions(wanted, parseVersion(released)) <= 0) fail(`${version} is not greater than ${released}, which CHANGELOG.md already has a section for.`)
  }
  const bodyStart = heading.index + heading[0].length
  const next = /^## \[/m.exec(text.slice(bodyStart))
  const linkDefinitions = /^\[[^\]]+\]: /m.exec(text.slice(bodyStart))
  const bodyEnd = bodyStart + Math.min(next?.index ?? Infinity, linkDefinitions?.index ?? Infinity, text.length - bodyStart)
  const notes = text.slice(bodyStart, bodyEnd).trim()
  if (notes === '') fail('the Unreleased section of CHANGELOG.md is empty: say what changed first.')

  let result = `${text.slice(0, heading.index)}## [Unreleased]\n\n## [${version}] - ${date}\n\n${text.slice(bodyStart).replace(/^\n+/, '')}`
  // Keep a Changelog's compare links, when the file has them.
  const unreleasedLink = /^\[Unreleased\]: (\S+)\/compare\/(\S+)\.\.\.HEAD$/m.exec(result)
  if (unreleasedLink) {
    const [line, base, from] = unreleasedLink
    result = result.replace(line, `[Unreleased]: ${base}/compare/v${version}...HEAD\n[${version}]: ${base}/compare/${from}...v${version}`)
  }
  return { text: result, notes }
}

function setVersion(file, version) {
  const path = join(root, file)
  if (!existsSync(path)) return false
  const json = JSON.parse(readFileSync(path, 'utf8'))
  json.version = version
  if (json.packages?.['']) json.packages[''].version = version
  writeFileSync(path, JSON.stringify(json, null, 2) + '\n')
  return true
}

// --- checks ---

let parsed
try {
  parsed = parseArgs({ allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } })
} catch (error) {
  fail(`${error.message}\n${USAGE}`)
}
const dryRun = parsed.values['dry-run']
if (parsed.positionals.length !== 1) fail(USAGE)
const wanted = parseVersion(parsed.positionals[0])
if (!wanted) fail(`"${parsed.positionals[0]}" is not a version of the form MAJOR.MINOR.PATCH, such as 1.2.0.`)
const version = wanted.join('.')
const tag = `v${version}`
const majorTag = `v${wanted[0]}`

try {
  git('rev-parse', '--is-inside-work-tree')
} catch {
  fail(`${root} is not a git work tree.`)
}
const dirty = git('status', '--porcelain', '--untracked-files=all')
if (dirty !== '') fail(`the work tree has uncommitted changes; commit or stash them first:\n${dirty}`)

const tags = git('tag', '--list', 'v*')
  .split('\n')
  .map((name) => ({ name, version: parseVersion(name) }))
  .filter((entry) => entry.version)
  .sort((a, b) => compareVersions(b.version, a.version))
const latest = tags[0]
if (latest && compareVersions(wanted, latest.version) <= 0) fail(`${tag} is not greater than the latest release tag, ${latest.name}.`)

const changelogPath = join(root, 'CHANGELOG.md')
if (!existsSync(changelogPath)) fail('there is no CHANGELOG.md.')
const date = new Date().toISOString().slice(0, 10)
const changelog = releaseChangelog(readFileSync(changelogPath, 'utf8'), wanted, date)

const actionPath = join(root, 'action.yml')
if (!existsSync(actionPath)) fail('there is no action.yml.')
const metadataProblems = marketplaceProblems(readFileSync(actionPath, 'utf8'))
if (metadataProblems.length > 0) fail(`the Marketplace would not list this release:\n${metadataProblems.join('\n')}`)

checkDist()

// --- the release ---

const majorWas = git('tag', '--list', majorTag) === majorTag ? git('rev-parse', '--short', `${majorTag}^{commit}`) : undefined
if (dryRun) {
  console.log(`Checks passed. npm run release -- ${version} would turn CHANGELOG.md's Unreleased section into "## [${version}] - ${date}", set the version in package.json,`)
  console.log(`commit that as "Release ${tag}", tag it ${tag}, and ${majorWas ? `move ${majorTag} there from ${majorWas}` : `create ${majorTag} there`}. Nothing was changed.`)
  process.exit(0)
}

writeFileSync(changelogPath, changelog.text)
const changed = ['CHANGELOG.md', ...['package.json', 'package-lock.json'].filter((file) => setVersion(file, version))]
git('add', '--', ...changed)
git('commit', '--quiet', '-m', `Release ${tag}`, '-m', changelog.notes)
git('tag', '--annotate', tag, '-m', `${tag}\n\n${changelog.notes}`)
git('tag', '--force', '--annotate', majorTag, '-m', `${majorTag}: latest is ${tag}`)

const remotes = git('remote').split('\n').filter(Boolean)
const remote = remotes.includes('origin') ? 'origin' : (remotes[0] ?? '<remote>')
console.log(
  `Released ${tag} locally: commit ${git('rev-parse', '--short', 'HEAD')} "Release ${tag}", tag ${tag}, and ${majorTag} ${majorWas ? `moved there from ${majorWas}` : 'created there'}.`
)
console.log('Nothing is pushed. Look at it (git show), then publish with:')
console.log('')
console.log(`  git push ${remote} HEAD refs/tags/${tag} && git push --force ${remote} refs/tags/${majorTag}`)
console.log('')
console.log(`Then create the GitHub release from tag ${tag} (and publish it to the Marketplace there), with these notes:`)
console.log('')
console.log(changelog.notes)
