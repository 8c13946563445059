import type { RecordedEvent } from '@team-access/event-store';
import { mongo } from 'mongoose';

/** A read-model document; `_id` is usually a string id taken from the events. */
export type ReadModelDocument = mongo.Document & { _id?: string | number | mongo.ObjectId };

/**
 * One bulkWrite operation on one of the projection's logical collections, for example
 * `{ collection: 'inboxes', updateOne: { filter: { _id: id }, update: { $set: {...} }, upsert: true } }`.
 */
export type WriteOp = { collection: string } & mongo.AnyBulkWriteOperation<ReadModelDocument>;

export interface ProjectionIndex {
  name: string;
  key: mongo.IndexSpecification;
  unique?: boolean;
}

/**
 * A read model built from the service's own events.
 *
 * `project` must be pure: the same event always yields the same operations, so a replay from
 * position 0 rebuilds the same documents. The runner owns the field `lastPosition` of every
 * document (see guardWrite). Upserts must select their document by `_id` or by a uniquely
 * indexed key, otherwise a replayed upsert inserts a second document.
 */
export interface Projection {
  name: string;
  /** Bump when `project` changes the documents; the new version builds into new collections. */
  version: number;
  /** Logical collection names; stored as `<collection>_v<version>`. */
  collections: readonly string[];
  /** Indexes per logical collection, created before the first event is applied. */
  indexes?: Readonly<Record<string, readonly ProjectionIndex[]>>;
  project(event: RecordedEvent): WriteOp[];
}

/** Returns the physical collection of a logical one at a projection version. */
export function versionedCollectionName(collection: string, version: number): string {
  return `${collection}_v${version}`;
}

export const POSITION_FIELD = 'lastPosition';

/**
 * Makes an operation idempotent by event position: the filter gains `lastPosition < position`
 * and the written document gets `lastPosition = position`, so a document that already reflects
 * this event (or a later one) is left alone.
 *
 * With `upsert: true`, an existing document that is already at or past `position` does not
 * match the filter, so the server tries to insert a new document with the same `_id` and
 * fails with duplicate key error E11000. The runner treats that error as "already applied"
 * after checking that the document is indeed at or past `position` (see applyWrites).
 */
export function guardWrite(op: mongo.AnyBulkWriteOperation<ReadModelDocument>, position: number): mongo.AnyBulkWriteOperation<ReadModelDocument> {
  const guard = { [POSITION_FIELD]: { $lt: position } };

  if ('insertOne' in op) {
    return { insertOne: { document: { ...op.insertOne.document, [POSITION_FIELD]: position } } };
  }
  if ('updateOne' in op) {
    return { updateOne: { ...op.updateOne, filter: { ...op.updateOne.filter, ...guard }, update: withPosition(op.updateOne.update, position) } };
  }
  if ('updateMany' in op) {
    return { updateMany: { ...op.updateMany, filter: { ...op.updateMany.filter, ...guard }, update: withPosition(op.updateMany.update, position) } };
  }
  if ('replaceOne' in op) {
    return {
      replaceOne: {
        ...op.replaceOne,
        filter: { ...op.replaceOne.filter, ...guard },
        replacement: { ...op.replaceOne.replacement, [POSITION_FIELD]: position },
      },
    };
  }
  if ('deleteOne' in op) {
    return { deleteOne: { ...op.deleteOne, filter: { ...op.deleteOne.filter, ...guard } } };
  }
  return { deleteMany: { ...op.deleteMany, filter: { ...op.deleteMany.filter, ...guard } } };
}

function withPosition(update: mongo.UpdateFilter<ReadModelDocument> | mongo.Document[], position: number): mongo.UpdateFilter<ReadModelDocument> {
  if (Array.isArray(update)) {
    throw new Error('Projection update is an aggregation pipeline, which the runner cannot stamp with lastPosition. Use update operators such as $set.');
  }

  const set = (update.$set ?? {}) as mongo.Document;
  return { ...update, $set: { ...set, [POSITION_FIELD]: position } };
}

/** Returns the filter of the document an operation targets, without the position guard. */
export function targetFilter(op: mongo.AnyBulkWriteOperation<ReadModelDocument>): mongo.Filter<ReadModelDocument> | undefined {
  if ('insertOne' in op) {
    const document = op.insertOne.document;
    return document._id === undefined ? undefined : { _id: document._id };
  }
  if ('updateOne' in op) {
    return op.updateOne.filter;
  }
  if ('replaceOne' in op) {
    return op.replaceOne.filter;
  }
  return undefined;
}
