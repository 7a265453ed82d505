// The database target the unit suites build connections from: db.example.com, shop, etl.

import type { MysqlTarget } from '../../src/mysql/connection-string.js'

export function mysqlTarget(password: string, overrides: Partial<MysqlTarget> = {}): MysqlTarget {
  return { host: 'db.example.com', port: 3306, database: 'shop', username: 'etl', password, options: [], ...overrides }
}
