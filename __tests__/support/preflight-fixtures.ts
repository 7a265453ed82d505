// What the preflight tests log into: a `shop` database the test users may use, a `secret_db` they
// may not, and users whose passwords break naive connection-string quoting.

import type { MariaDb } from './mariadb.js'

export interface Credentials {
  username: string
  password: string
}

export interface Fixtures {
  database: 'shop'
  /** Base tables in `shop`; its view is not one. */
  tableCount: 3
  /** A database that exists but none of the users below may access (MySQL error 1044). */
  forbiddenDatabase: 'secret_db'
  users: Credentials[]
  /** Created with REQUIRE SSL: a login without TLS is refused. */
  tlsUser: Credentials
}

export const PASSWORD_USERS: readonly Credentials[] = [
  { username: 'semi', password: 'pa;ss;word' },
  { username: 'quotes', password: `it's "quoted"` },
  { username: 'equals', password: 'a=b==c' },
  { username: 'spaces', password: ' lead and trail ' },
  { username: 'unicode', password: 'pässwörd-密码-🔑' },
  { username: 'mixed', password: `;'"= ü x` }
]

export const TLS_USER: Credentials = { username: 'tlsonly', password: 'tls-pass-9' }

const SCHEMA = [
  'DROP DATABASE IF EXISTS shop',
  'DROP DATABASE IF EXISTS secret_db',
  'CREATE DATABASE shop CHARACTER SET utf8mb4',
  'CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)',
  'CREATE TABLE shop.products (id INT PRIMARY KEY, title VARCHAR(100) NOT NULL, price DECIMAL(10,2) NOT NULL)',
  'CREATE TABLE shop.orders (id INT PRIMARY KEY, customer_id INT NOT NULL, product_id INT NOT NULL)',
  'CREATE VIEW shop.order_summary AS SELECT o.id, c.name, p.title FROM shop.orders o ' +
    'JOIN shop.customers c ON c.id = o.customer_id JOIN shop.products p ON p.id = o.product_id',
  "INSERT INTO shop.customers VALUES (1, 'Ada')",
  "INSERT INTO shop.products VALUES (1, 'Widget', 9.99)",
  'INSERT INTO shop.orders VALUES (1, 1, 1)',
  'CREATE DATABASE secret_db',
  'CREATE TABLE secret_db.salaries (id INT PRIMARY KEY, amount INT NOT NULL)'
]

/** Creates the databases and users; safe to run again on the same server. */
export async function seedPreflightFixtures(db: MariaDb): Promise<Fixtures> {
  for (const sql of SCHEMA) await db.query(sql)

  // Host '%' covers TCP logins from 127.0.0.1: the server runs with --skip-name-resolve and has no
  // anonymous ''@localhost user that would otherwise take precedence.
  const create = async ({ username, password }: Credentials, requireSsl: boolean) => {
    await db.query('DROP USER IF EXISTS ?@?', [username, '%'])
    // IDENTIFIED BY takes a string literal, not a placeholder: mysql2 formats `?` client-side into
    // an escaped literal, which is exactly that.
    await db.query(`CREATE USER ?@? IDENTIFIED BY ?${requireSsl ? ' REQUIRE SSL' : ''}`, [username, '%', password])
    await db.query('GRANT ALL ON shop.* TO ?@?', [username, '%'])
  }
  for (const user of PASSWORD_USERS) await create(user, false)
  await create(TLS_USER, true)

  return {
    database: 'shop',
    tableCount: 3,
    forbiddenDatabase: 'secret_db',
    users: PASSWORD_USERS.map((user) => ({ ...user })),
    tlsUser: { ...TLS_USER }
  }
}
