import { mongo } from 'mongoose';
import { guardWrite, POSITION_FIELD, ReadModelDocument, targetFilter, WriteOp } from './projection';

/** A projected operation with the position of the event it came from. */
export interface PositionedWrite {
  op: WriteOp;
  position: number;
  eventId: string;
}

export interface ApplyResult {
  applied: number;
  /** Operations skipped because their document already reflected the event (replays). */
  alreadyApplied: number;
}

const DUPLICATE_KEY = 11000;

/**
 * Applies writes in order. Consecutive writes to the same collection go in one ordered
 * bulkWrite. An ordered bulkWrite stops at its first error, so after a duplicate key error
 * that is a replayed write, the remaining operations are sent again.
 */
export async function applyWrites(
  db: mongo.Db,
  writes: readonly PositionedWrite[],
  physicalName: (collection: string) => string,
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: 0, alreadyApplied: 0 };

  for (const run of consecutiveRuns(writes)) {
    const collection = db.collection<ReadModelDocument>(physicalName(run.collection));
    const runResult = await applyOrdered(collection, run.writes);
    result.applied += runResult.applied;
    result.alreadyApplied += runResult.alreadyApplied;
  }
  return result;
}

async function applyOrdered(collection: mongo.Collection<ReadModelDocument>, writes: readonly PositionedWrite[]): Promise<ApplyResult> {
  const operations = writes.map((write) => guardWrite(stripCollection(write.op), write.position));
  const result: ApplyResult = { applied: 0, alreadyApplied: 0 };
  let start = 0;

  while (start < operations.length) {
    try {
      await collection.bulkWrite(operations.slice(start), { ordered: true });
      result.applied += operations.length - start;
      return result;
    } catch (error: unknown) {
      const failedIndex = start + duplicateKeyIndex(error);
      const write = writes[failedIndex];
      if (write === undefined || !(await isAlreadyApplied(collection, write))) {
        throw error;
      }

      result.applied += failedIndex - start;
      result.alreadyApplied += 1;
      start = failedIndex + 1;
    }
  }
  return result;
}

/** Returns the index of the first failed operation when it failed with E11000; rethrows anything else. */
function duplicateKeyIndex(error: unknown): number {
  if (!(error instanceof mongo.MongoBulkWriteError)) {
    throw error;
  }

  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  const first = writeErrors[0];
  if (first === undefined || first.code !== DUPLICATE_KEY) {
    throw error;
  }
  return first.index;
}

/** True when the targeted document exists and already reflects the write's event or a later one. */
async function isAlreadyApplied(collection: mongo.Collection<ReadModelDocument>, write: PositionedWrite): Promise<boolean> {
  const filter = targetFilter(stripCollection(write.op));
  if (filter === undefined) {
    return false;
  }

  const found = await collection.findOne({ ...filter, [POSITION_FIELD]: { $gte: write.position } }, { projection: { _id: 1 } });
  return found !== null;
}

function stripCollection(op: WriteOp): mongo.AnyBulkWriteOperation<ReadModelDocument> {
  const { collection: _collection, ...operation } = op;
  return operation as mongo.AnyBulkWriteOperation<ReadModelDocument>;
}

function consecutiveRuns(writes: readonly PositionedWrite[]): Array<{ collection: string; writes: PositionedWrite[] }> {
  const runs: Array<{ collection: string; writes: PositionedWrite[] }> = [];

  for (const write of writes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.collection === write.op.collection) {
      last.writes.push(write);
    } else {
      runs.push({ collection: write.op.collection, writes: [write] });
    }
  }
  return runs;
}
