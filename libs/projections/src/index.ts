export * from './apply-writes';
export * from './mongo.connection';
export * from './projection';
export * from './projection-aliases';
export * from './projection-runner';
