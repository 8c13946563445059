import { mongo } from 'mongoose';
import { CheckpointStore } from '@team-access/messaging';

interface CheckpointDocument {
  _id: string;
  position: number;
  updatedAt: Date;
}

/** Relay checkpoints in MongoDB, for deployments whose event store is not PostgreSQL. */
export class MongoCheckpointStore implements CheckpointStore {
  constructor(
    private readonly db: mongo.Db,
    private readonly collection = 'relay_checkpoints',
  ) {}

  async load(name: string): Promise<number> {
    const document = await this.db.collection<CheckpointDocument>(this.collection).findOne({ _id: name });
    return document?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    await this.db
      .collection<CheckpointDocument>(this.collection)
      .updateOne({ _id: name }, { $set: { position, updatedAt: new Date() } }, { upsert: true });
  }
}
