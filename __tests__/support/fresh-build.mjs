// globalSetup of the process tier: builds src/ with the very command of `npm run build` but into a
// folder of its own, and names that folder in ACTION_BUNDLE for the suites (run-action.mjs runs
// it; the dist suite compares it with the committed dist/).
//
// The build is kept in node_modules/.cache under a hash of what goes into it (src/, package.json,
// the lock file, tsconfig.json): a later run of unchanged sources reuses it instead of spending
// ncc's seconds again. Only the newest build is kept.
//
// ACTION_BUNDLE set beforehand skips the build and runs that bundle instead, e.g.
// `ACTION_BUNDLE=dist npm test -- __tests__/hostile.process.test.ts` to run the committed bundle;
// the dist suite then says it has nothing fresh to compare.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { BUNDLE_VARIABLE, FRESH_BUILD_VARIABLE, ROOT } from '../../testing/run-action.mjs'

const CACHE = join(ROOT, 'node_modules', '.cache', 'action-build')

/** A hash of every file the build reads from the repository, by path and content. */
function sourceHash() {
  const files = ['package.json', 'package-lock.json', 'tsconfig.json']
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.push(relative(ROOT, path))
    }
  }
  walk(join(ROOT, 'src'))
  const hash = createHash('sha256')
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update('\0')
  return hash.digest('hex').slice(0, 16)
}

export default function buildOnce() {
  if (process.env[BUNDLE_VARIABLE]) {
    process.env[BUNDLE_VARIABLE] = resolve(ROOT, process.env[BUNDLE_VARIABLE])
    delete process.env[FRESH_BUILD_VARIABLE]
    return
  }
  const out = join(CACHE, sourceHash())
  if (!existsSync(join(out, 'index.js'))) build(out)
  process.env[BUNDLE_VARIABLE] = out
  process.env[FRESH_BUILD_VARIABLE] = out
}

function build(out) {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build
  // One ncc build per action: the connection action's into dist, the dataflow action's into dist/dataflow.
  const commands = script.split(' && ')
  if (!commands.every((command) => /^ncc build \S+ -o dist(\/[\w-]+)?( |$)/.test(command))) {
    throw new Error(`package.json's build script is no longer "ncc build … -o dist[/sub] …" joined by &&: teach fresh-build.mjs the new one (${script}).`)
  }
  // Built beside the cache entry and renamed into place, so an interrupted build is never taken for a finished one.
  rmSync(CACHE, { recursive: true, force: true })
  mkdirSync(CACHE, { recursive: true })
  const partial = `${out}.partial`
  try {
    for (const command of commands) {
      const args = command
        .replace(/^ncc /, '')
        .replace(/-o dist(\/[\w-]+)?/, (_, sub) => `-o ${join(partial, sub ?? '')}`)
        .split(' ')
      execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'), ...args], { cwd: ROOT, stdio: 'pipe' })
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true })
    throw new Error(`Building src/ for the process tier failed (${script}):\n${error.stderr ?? ''}${error.stdout ?? ''}`, { cause: error })
  }
  renameSync(partial, out)
}
