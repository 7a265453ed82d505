// Masking for the runner and redaction for our own messages. The runner only hides
// exact strings, so every spelling a secret can take on the way out is registered.

import { quoteValue } from './connection-string.js'

export interface NamedSecret {
  /** Says what the secret is in warnings, e.g. "the password input". */
  label: string
  value: string
}

/** The spellings a secret can appear in: as given, inside JSON, quoted in a connection string, form- and URL-encoded. */
export function secretForms(value: string): string[] {
  if (value === '') return []
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)])
  try {
    forms.add(quoteValue(value))
  } catch {
    // A value with NUL is refused as input before it is ever used; nothing to add.
  }
  return [...forms].filter((form) => form !== '')
}

// Values the runner would also find in ordinary log text, so masking them garbles the log.
const COMMON = new Set(['true', 'false', 'null', 'prod', 'test', 'admin', 'root', 'mysql', 'password', 'secret', 'localhost'])

export function weakSecretWarning(secret: NamedSecret): string | undefined {
  if (secret.value.length < 6) {
    return `${secret.label} is only ${secret.value.length} characters long; the runner replaces every occurrence of it in the logs with ***, which garbles unrelated log text. Use a longer secret.`
  }
  if (COMMON.has(secret.value.toLowerCase())) {
    return `${secret.label} is a common word; the runner replaces every occurrence of it in the logs with ***, which garbles unrelated log text. Choose a less common value.`
  }
  return undefined
}

export class Redactor {
  private forms: string[] = []

  /** Registers a secret with the runner (via `setSecret`) and for our own redaction; returns false when it was empty. */
  add(value: string, setSecret: (form: string) => void): boolean {
    if (value === '') return false
    for (const form of secretForms(value)) {
      if (this.forms.includes(form)) continue
      setSecret(form)
      this.forms.push(form)
    }
    this.forms.sort((a, b) => b.length - a.length)
    return true
  }

  redact(text: string): string {
    let out = text
    // A quoted form keeps its quotes, so a redacted JSON string value still reads as a string.
    for (const form of this.forms) out = out.replaceAll(form, /^(["']).+\1$/s.test(form) ? `${form[0]}***${form[0]}` : '***')
    return out
  }

  /** True when `text` contains any registered secret: the runner would then drop an output holding it. */
  touches(text: string): boolean {
    return this.forms.some((form) => text.includes(form))
  }
}
