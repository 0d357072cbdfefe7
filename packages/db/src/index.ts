export * as schema from './schema';
export * from './schema';
export { openDatabase, MIGRATIONS_FOLDER, type TDb, type TDatabase, type TDatabaseOptions, type TSchema } from './client';
export { applyMigrations, dropAllTables, databaseStatus, rowsOf, APP_TABLES, type TDbStatus } from './migrate';
export * from './repositories/analyses.repo';
export * from './repositories/deliveries.repo';
