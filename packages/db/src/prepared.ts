import type { TDb } from './client';

/**
 * A statement the worker runs for every analysis, prepared once per database (drizzle's
 * `.prepare()` with `sql.placeholder`): not built again each time, and on PostgreSQL parsed once
 * per connection (a named prepared statement). Only for the database object itself, not a
 * transaction: a prepared statement runs on the client it was prepared with.
 */
export function preparedFor<T>(prepare: (db: TDb) => T): (db: TDb) => T {
  const byDatabase = new WeakMap<TDb, T>();
  return (db) => {
    let prepared = byDatabase.get(db);
    if (prepared === undefined) byDatabase.set(db, (prepared = prepare(db)));
    return prepared;
  };
}
