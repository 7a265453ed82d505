// The action's edges to the runner, passed in rather than imported, so run() works the same
// under the runner (runner.ts) and in a test that records what it says.

export interface Log {
  info(message: string): void
  debug(message: string): void
  /** A ::notice:: line: worth seeing, and not a problem. */
  notice(message: string): void
  warning(message: string): void
  /** An ::error:: line, and the step fails; once per problem, so each gets its own line. */
  error(message: string): void
}

export interface Io extends Log {
  /** The input as the runner gives it, untrimmed: whitespace can be part of a secret. */
  input(name: string): string
  /** Asks the runner to hide this value in every log line from now on. */
  mask(secret: string): void
  setOutput(name: string, value: string): void
  saveState(name: string, value: string): void
  state(name: string): string
  /** Appends Markdown to the job summary; does nothing where there is none. */
  appendSummary(markdown: string): void
  /** The GITHUB_* variables that describe the run. */
  env: Record<string, string | undefined>
}

/** What ends a line in a log, a Markdown table, or a regular expression of Java or JavaScript. */
export const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/

/**
 * Characters after which a runner or a log viewer may start a new line (CR, LF, NEL, LINE and
 * PARAGRAPH SEPARATOR), and every other control character but tab: on a line of its own, server
 * text could become a workflow command. @actions/core escapes only CR and LF.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g

/** The text as exactly one line, its line breaks and control characters written as \n, \r or \uXXXX. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, (char) => (char === '\n' ? '\\n' : char === '\r' ? '\\r' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))
}

/**
 * Every message passes through `redact` first: the runner masks registered secrets too, but an id
 * or an API message that holds one must not depend on that. Then each message becomes exactly one
 * line, whatever server text it holds; several lines are several calls.
 */
export function redactingLog(log: Log, redact: (text: string) => string): Log {
  const guard = (message: string): string => oneLine(redact(message))
  return {
    info: (message) => log.info(guard(message)),
    debug: (message) => log.debug(guard(message)),
    notice: (message) => log.notice(guard(message)),
    warning: (message) => log.warning(guard(message)),
    error: (message) => log.error(guard(message))
  }
}
