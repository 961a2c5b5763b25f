// Which database engine a store runs on (database.ts). Its own module so that the migrations
// and their runner, which database.ts imports, can name it without importing database.ts back.
export type Dialect = 'sqlite' | 'postgres';
