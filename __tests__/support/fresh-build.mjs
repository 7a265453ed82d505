// globalSetup of the e2e project: builds src/ once per jest run, with the very command of
// `npm run build` but into a temporary folder, and names that folder in ACTION_BUNDLE for the
// suites (run-action.mjs runs it; the dist suite compares it with the committed dist/).
//
// ACTION_BUNDLE set beforehand skips the build and runs that bundle instead, e.g.
// `ACTION_BUNDLE=dist npm test -- __tests__/action.e2e.test.ts` to iterate on a test without
// rebuilding; the dist suite then says it has nothing fresh to compare.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BUNDLE_VARIABLE, FRESH_BUILD_VARIABLE, ROOT } from '../../testing/run-action.mjs'

export default function buildOnce() {
  if (process.env[BUNDLE_VARIABLE]) {
    process.env[BUNDLE_VARIABLE] = resolve(ROOT, process.env[BUNDLE_VARIABLE])
    delete process.env[FRESH_BUILD_VARIABLE]
    return
  }
  const out = mkdtempSync(join(tmpdir(), 'action-build-'))
  const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build
  // One ncc build per action: the connection action's into dist, the dataflow action's into dist/dataflow.
  const commands = build.split(' && ')
  if (!commands.every((command) => /^ncc build \S+ -o dist(\/[\w-]+)?( |$)/.test(command))) {
    throw new Error(`package.json's build script is no longer "ncc build … -o dist[/sub] …" joined by &&: teach fresh-build.mjs the new one (${build}).`)
  }
  try {
    for (const command of commands) {
      const args = command
        .replace(/^ncc /, '')
        .replace(/-o dist(\/[\w-]+)?/, (_, sub) => `-o ${join(out, sub ?? '')}`)
        .split(' ')
      execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'), ...args], { cwd: ROOT, stdio: 'pipe' })
    }
  } catch (error) {
    rmSync(out, { recursive: true, force: true })
    throw new Error(`Building src/ for the end-to-end suites failed (${build}):\n${error.stderr ?? ''}${error.stdout ?? ''}`, { cause: error })
  }
  process.env[BUNDLE_VARIABLE] = out
  process.env[FRESH_BUILD_VARIABLE] = out
}
