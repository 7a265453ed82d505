// Reading inputs as both actions do: every problem collected, each a sentence naming its input,
// and the sign-in inputs (credentials, organisation, URLs, retries) the two actions share.

import { LINE_BREAK } from '../runner/io.js'
import { isPlainId } from '../platform/ids.js'
import type { Credentials, SignIn } from '../platform/session.js'
import { INPUT } from './names.js'

export interface InputProblem {
  input: string
  message: string
}

export type ReadInput = (name: string) => string

/** The sign-in inputs' defaults, which both action.yml files declare. */
export const SIGN_IN_DEFAULTS = {
  [INPUT.scopes]: 'openid,AdobeID,read_organizations,additional_info.projectedProductContext,session',
  [INPUT.sandboxName]: 'prod',
  [INPUT.imsUrl]: 'https://ims-na1.adobelogin.com',
  [INPUT.platformUrl]: 'https://platform.adobe.io',
  [INPUT.maxAttempts]: '5',
  [INPUT.timeoutSeconds]: '300'
} as const

/** The sign-in inputs that must be one line; those sent as HTTP headers. */
export const SIGN_IN_LINES = [
  INPUT.clientId,
  INPUT.clientSecret,
  INPUT.accessToken,
  INPUT.scopes,
  INPUT.imsOrgId,
  INPUT.sandboxName,
  INPUT.imsUrl,
  INPUT.platformUrl,
  INPUT.maxAttempts,
  INPUT.timeoutSeconds
]

// Sent as HTTP headers, which carry only visible ASCII.
const HEADER_INPUTS = new Set<string>([INPUT.clientId, INPUT.imsOrgId, INPUT.sandboxName, INPUT.accessToken, INPUT.githubToken])

/**
 * Platform writes a sandbox's technical name (not its title) in lower case, starting with a letter,
 * from letters, digits and hyphens, at most 256 characters (Adobe's sandbox UI guide); anything
 * else would only fail later, at the first request.
 */
const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/

export class InputReader<D extends Record<string, string>> {
  readonly problems: InputProblem[] = []
  private readonly raw = new Map<string, string>()

  /** `untrimmed`: inputs read as given (whitespace can be part of a password). */
  constructor(
    private readonly readRaw: ReadInput,
    private readonly defaults: D,
    private readonly untrimmed: ReadonlySet<string> = new Set()
  ) {}

  problem = (input: string, message: string): undefined => {
    this.problems.push({ input, message: `Input "${input}" ${message}` })
    return undefined
  }

  read = (name: string): string => {
    let value = this.raw.get(name)
    if (value === undefined) {
      value = this.readRaw(name)
      if (!this.untrimmed.has(name)) value = value.trim()
      this.raw.set(name, value)
    }
    return value
  }

  /** Whether a problem names this input already. */
  refused(name: string): boolean {
    return this.problems.some((known) => known.input === name)
  }

  /** One-line values; a secret that spans lines cannot be masked by the runner, which masks line by line. */
  singleLine(names: readonly string[]): void {
    for (const name of names) {
      const value = this.read(name)
      // Only the untrimmed inputs keep a trailing line break; it is most often pasted in by mistake.
      if (/^[^\r\n]*(\r?\n)+$/.test(value)) this.problem(name, 'ends in a line break: check how the value was pasted into the secret or workflow.')
      else if (LINE_BREAK.test(value)) this.problem(name, 'must be on one line: a value that spans lines cannot be masked in the logs or sent as one field.')
      else if (value.includes('\0')) this.problem(name, 'contains a NUL character, which cannot be sent; check where the value comes from.')
      else if (HEADER_INPUTS.has(name) && value !== '' && !/^[\x21-\x7e]+$/.test(value)) {
        this.problem(name, 'must hold only visible ASCII characters, without spaces: it is sent as an HTTP header.')
      }
    }
  }

  required(name: string, hint: string): string {
    const value = this.read(name)
    if (value === '') this.problem(name, `is required: ${hint}.`)
    return value
  }

  orDefault(name: keyof D & string): string {
    return this.read(name) || (this.defaults[name] as string)
  }

  oneOf<T extends string>(name: keyof D & string, allowed: readonly T[]): T {
    const value = this.orDefault(name)
    const match = allowed.find((option) => option === value.toLowerCase())
    if (match) return match
    this.problem(name, `must be one of ${allowed.join(', ')}; got "${value}".`)
    return allowed[0] as T
  }

  boolean(name: keyof D & string): boolean {
    const value = this.orDefault(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (!/^(false|False|FALSE)$/.test(value)) this.problem(name, `must be true or false; got "${value}".`)
    return false
  }

  integer(name: keyof D & string, min: number, max: number): number {
    const value = this.orDefault(name)
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (number >= min && number <= max) return number
    this.problem(name, `must be a whole number from ${min} to ${max}; got "${value}".`)
    return min
  }

  url(name: keyof D & string): string {
    const fallback = this.defaults[name] as string
    const value = this.orDefault(name)
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      return this.problem(name, `must be a URL such as ${fallback}; got "${value}".`) ?? fallback
    }
    // An empty query or fragment ("…/?", "…#") parses to nothing, but says the value is not what the user meant.
    if (parsed.username || parsed.password || /[?#]/.test(value)) {
      return this.problem(name, `must be a plain origin such as ${fallback}, without user name, password, query or fragment.`) ?? fallback
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      return this.problem(name, `must use https:// (plain http:// is allowed only for a loopback address); credentials are never sent unencrypted.`) ?? fallback
    }
    return parsed.href.replace(/\/+$/, '')
  }

  /** An id that becomes a path segment: ".", "..", a slash or a blank would address another resource. */
  plainId(name: string, what: string): string {
    const value = this.read(name)
    if (value !== '' && !this.refused(name) && !isPlainId(value)) {
      this.problem(name, `must be a plain ${what} id, as Platform shows it (letters, digits and "-"): no "/", ".", "..", spaces or control characters.`)
    }
    return value
  }

  /** Who signs in, where, and how patiently; undefined credentials have been named as a problem. */
  signIn(this: InputReader<D & typeof SIGN_IN_DEFAULTS>): Omit<SignIn, 'credentials'> & { credentials?: Credentials } {
    const clientId = this.required(INPUT.clientId, 'set it to the Client ID of your Adobe Developer Console project')
    const imsOrgId = this.required(INPUT.imsOrgId, 'set it to your organization ID, which ends in @AdobeOrg')
    const credentials = this.credentials()
    return {
      clientId,
      imsOrgId,
      sandboxName: this.sandboxName(),
      imsUrl: this.url(INPUT.imsUrl),
      platformUrl: this.url(INPUT.platformUrl),
      maxAttempts: this.integer(INPUT.maxAttempts, 1, 10),
      timeoutSeconds: this.integer(INPUT.timeoutSeconds, 1, 3600),
      ...(credentials ? { credentials } : {})
    }
  }

  /** A sandbox is addressed by its technical name; see SANDBOX_NAME. */
  private sandboxName(this: InputReader<D & typeof SIGN_IN_DEFAULTS>): string {
    const value = this.orDefault(INPUT.sandboxName)
    // A value the header check refused already has its one problem.
    if (SANDBOX_NAME.test(value) || this.refused(INPUT.sandboxName)) return value
    const got = value.length > 256 ? `a value of ${value.length} characters` : `"${value}"`
    this.problem(
      INPUT.sandboxName,
      `must be the sandbox's technical name (lower-case letters, digits and hyphens, starting with a letter, at most 256 characters), which Platform shows in the Name column of Sandboxes → Browse and in GET /data/foundation/sandbox-management/sandboxes; got ${got}.`
    )
    return value
  }

  private credentials(this: InputReader<D & typeof SIGN_IN_DEFAULTS>): Credentials | undefined {
    const clientSecret = this.read(INPUT.clientSecret)
    const accessToken = this.read(INPUT.accessToken)
    if (clientSecret && accessToken) {
      return this.problem(INPUT.clientSecret, `and "${INPUT.accessToken}" are both set; give exactly one of them (a client secret lets the action fetch a fresh token).`)
    }
    if (accessToken) return { kind: 'access-token', accessToken }
    if (clientSecret) return { kind: 'client-secret', clientSecret, scopes: normalizeScopes(this.orDefault(INPUT.scopes)) }
    return this.problem(INPUT.clientSecret, `or "${INPUT.accessToken}" is required: pass the OAuth server-to-server client secret from secrets.*, or a ready access token.`)
  }
}

function normalizeScopes(scopes: string): string {
  return scopes
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
    .join(',')
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
