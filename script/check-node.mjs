// First step of npm test: the tests run the action under the Node major that action.yml declares
// (runs.using: node24). npm scripts find that Node first on PATH, in node_modules/.bin: the `node`
// devDependency, whose install script fetches the binary. Without it they would run on whatever
// Node the machine has, and fail in many places at once; this says why, once. No dependencies and
// no newer syntax, so that any Node can run it.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const using = /^\s*using:\s*['"]?node(\d+)/m.exec(readFileSync(join(root, 'action.yml'), 'utf8'))
const wanted = using ? using[1] : undefined
const major = process.versions.node.split('.')[0]

if (wanted !== undefined && major !== wanted) {
  const binary = join(root, 'node_modules', 'node', 'bin', 'node')
  const lines = [
    `npm test needs Node ${wanted}, the version action.yml runs the action on; this is Node ${process.version} (${process.execPath}).`,
    `Node ${wanted} comes from the "node" devDependency: its install script puts the binary in node_modules/node/bin, and npm scripts find it there first.`,
    existsSync(join(root, 'node_modules', 'node', 'package.json'))
      ? existsSync(binary)
        ? `node_modules/node/bin/node is there but was not used: run the tests with npm test, not with another runner.`
        : `node_modules/node/bin/node is missing: the package's install script did not run (npm ci --ignore-scripts, or an npm that blocks install scripts). Run "npm rebuild node", or "npm ci" with install scripts allowed for the node package.`
      : 'node_modules/node is missing: run "npm ci" first.'
  ]
  console.error(lines.join('\n'))
  process.exit(1)
}
