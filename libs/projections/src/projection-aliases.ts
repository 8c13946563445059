import { mongo } from 'mongoose';

export const ALIASES_COLLECTION = 'projection_aliases';

/** Maps a logical read-model name to the physical collection that currently serves it. */
export interface ProjectionAlias {
  _id: string;
  collection: string;
  projection: string;
  version: number;
  switchedAt: Date;
}

/** Points `logical` at `physical`, replacing the previous target. */
export async function switchAlias(db: mongo.Db, alias: Omit<ProjectionAlias, 'switchedAt'>): Promise<void> {
  const { _id, ...target } = alias;
  await db.collection<ProjectionAlias>(ALIASES_COLLECTION).updateOne({ _id }, { $set: { ...target, switchedAt: new Date() } }, { upsert: true });
}

/** Creates the alias only when `logical` has none yet (first deployment); never moves an existing one. */
export async function createAliasIfMissing(db: mongo.Db, alias: Omit<ProjectionAlias, 'switchedAt'>): Promise<void> {
  const { _id, ...target } = alias;
  try {
    await db
      .collection<ProjectionAlias>(ALIASES_COLLECTION)
      .updateOne({ _id }, { $setOnInsert: { ...target, switchedAt: new Date() } }, { upsert: true });
  } catch (error: unknown) {
    // Two processes created it at the same moment; the other one won, which is fine.
    if (!(error instanceof mongo.MongoServerError && error.code === 11000)) {
      throw error;
    }
  }
}

/** Returns the physical collection serving `logical`; readers call this instead of naming a version. */
export async function resolveCollection(db: mongo.Db, logical: string): Promise<string> {
  const alias = await db.collection<ProjectionAlias>(ALIASES_COLLECTION).findOne({ _id: logical });
  if (alias === null) {
    throw new Error(
      `Read model "${logical}" has no entry in ${ALIASES_COLLECTION}. Start its projection runner once, or run its rebuild.`,
    );
  }
  return alias.collection;
}
