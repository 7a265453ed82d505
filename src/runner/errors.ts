// The two ways the action fails on purpose. Anything else that reaches main is a bug of ours.

/** A failure that is fully explained by its message: main prints it as it is. */
export class ActionError extends Error {}

/** Platform answered and refused: its status and Flow Service code let a caller explain more. */
export class RefusedError extends ActionError {
  constructor(
    message: string,
    /** What was refused, e.g. "Creating the connection". */
    readonly what: string,
    readonly status: number,
    /** e.g. "1415-400"; undefined when the answer carried none. */
    readonly code: string | undefined
  ) {
    super(message)
  }
}

/** A create whose outcome stayed unknown after every look: what it made may still appear later. */
export class MayExistError extends ActionError {}

/** A create whose answer was lost: it may or may not have happened, so the caller must look before repeating it. */
export class OutcomeUnknownError extends Error {
  constructor(
    message: string,
    /** What went wrong, for the retry log line: "HTTP 503", "the connection was reset". */
    readonly reason: string,
    /** Attempts this request used, the lost one included. */
    readonly attempts: number,
    /** How long the server asked to wait (Retry-After), when it did: it may still be committing. */
    readonly retryAfterMs?: number
  ) {
    super(message)
  }
}

/**
 * One sentence for any failure. Anything but our own errors is a bug of ours: its stack goes to
 * `logStack` (the debug log), never into the sentence.
 */
export function failureMessage(error: unknown, logStack: (line: string) => void): string {
  if (error instanceof ActionError || error instanceof OutcomeUnknownError) return error.message
  // Line by line: each log call is one line (io.ts).
  if (error instanceof Error && error.stack) for (const line of error.stack.split('\n')) logStack(line)
  const detail = error instanceof Error ? error.message : String(error)
  return `The action failed unexpectedly (${detail}). Please report this with the step's log.`
}
