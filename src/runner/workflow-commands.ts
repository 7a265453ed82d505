// The runner's workflow-command protocol, as the Io the action runs on.
//
// This is the one module that imports files of the @actions packages by path. @actions/core
// exports only its aggregate module, which at import time also loads its OIDC client, and with
// it @actions/http-client, undici and node:https: about 85 ms of start-up on a 2-core runner that
// this action never uses. Its command modules carry the whole protocol (escaping, masking, the
// GITHUB_OUTPUT/GITHUB_STATE file format). A test (__tests__/structure.test.ts) names the files and fails
// with a clear sentence when an update of @actions/core moves them.

import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { issueCommand } from '../../node_modules/@actions/core/lib/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '../../node_modules/@actions/core/lib/file-command.js'
import { ActionError } from './errors.js'
import type { Io } from './io.js'

export function runnerIo(): Io {
  const env = process.env
  return {
    // INPUT_<NAME> with the hyphens kept, as the runner sets it.
    input: (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '',
    mask: (secret) => issueCommand('add-mask', {}, secret),
    info: (message) => process.stdout.write(message + EOL),
    debug: (message) => issueCommand('debug', {}, message),
    notice: (message) => issueCommand('notice', {}, message),
    warning: (message) => issueCommand('warning', {}, message),
    error: (message) => {
      process.exitCode = 1
      issueCommand('error', {}, message)
    },
    setOutput: (name, value) => {
      if (env.GITHUB_OUTPUT) writing("the step's outputs (GITHUB_OUTPUT)", () => issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value)))
      else issueCommand('set-output', { name }, value)
    },
    saveState: (name, value) => {
      if (env.GITHUB_STATE) writing("the post step's state (GITHUB_STATE)", () => issueFileCommand('STATE', prepareKeyValueMessage(name, value)))
      else issueCommand('save-state', { name }, value)
    },
    state: (name) => env[`STATE_${name}`] ?? '',
    appendSummary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY
      if (file) writing('the job summary (GITHUB_STEP_SUMMARY)', () => appendFileSync(file, markdown + EOL))
    },
    env
  }
}

/** A runner file that cannot be written is one sentence that names it, never a stack trace. */
function writing(what: string, write: () => void): void {
  try {
    write()
  } catch (error) {
    // Duck-typed: a file system error need not be an Error of this realm.
    const reason = (typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error)).replace(/\.$/, '')
    throw new ActionError(`Could not write ${what}: ${reason}. Check the runner's free disk space and the file's permissions.`)
  }
}
