// Real: guardWrite and targetFilter. Mocked: nothing (no database involved).
import { guardWrite, targetFilter } from './projection';

describe('guardWrite', () => {
  it('guards an upsert and stamps the position', () => {
    const guarded = guardWrite({ updateOne: { filter: { _id: 'i-1' }, update: { $set: { name: 'Sales' }, $inc: { count: 1 } }, upsert: true } }, 7);

    expect(guarded).toEqual({
      updateOne: {
        filter: { _id: 'i-1', lastPosition: { $lt: 7 } },
        update: { $set: { name: 'Sales', lastPosition: 7 }, $inc: { count: 1 } },
        upsert: true,
      },
    });
  });

  it('stamps inserted and replaced documents', () => {
    expect(guardWrite({ insertOne: { document: { _id: 'a' } } }, 3)).toEqual({ insertOne: { document: { _id: 'a', lastPosition: 3 } } });
    expect(guardWrite({ replaceOne: { filter: { _id: 'a' }, replacement: { v: 1 }, upsert: true } }, 4)).toEqual({
      replaceOne: { filter: { _id: 'a', lastPosition: { $lt: 4 } }, replacement: { v: 1, lastPosition: 4 }, upsert: true },
    });
  });

  it('guards deletes', () => {
    expect(guardWrite({ deleteOne: { filter: { _id: 'a' } } }, 9)).toEqual({ deleteOne: { filter: { _id: 'a', lastPosition: { $lt: 9 } } } });
  });

  it('rejects pipeline updates', () => {
    expect(() => guardWrite({ updateOne: { filter: { _id: 'a' }, update: [{ $set: { v: 1 } }] } }, 1)).toThrow('aggregation pipeline');
  });
});

describe('targetFilter', () => {
  it('returns the unguarded filter of an upsert', () => {
    expect(targetFilter({ updateOne: { filter: { _id: 'a' }, update: { $set: { v: 1 } }, upsert: true } })).toEqual({ _id: 'a' });
  });

  it('uses the _id of an inserted document', () => {
    expect(targetFilter({ insertOne: { document: { _id: 'b', v: 1 } } })).toEqual({ _id: 'b' });
    expect(targetFilter({ insertOne: { document: { v: 1 } } })).toBeUndefined();
  });
});
