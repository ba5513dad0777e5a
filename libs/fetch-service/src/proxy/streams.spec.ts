import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { Chunks } from './streams';

/** Everything `chunks` yields, waiting `delays[i]` ticks after the i-th chunk (a slow relay). */
async function drain(chunks: Chunks, delays: number[] = []): Promise<Buffer[]> {
  const got: Buffer[] = [];
  for await (const chunk of chunks) {
    got.push(chunk);
    for (let i = 0; i < (delays[got.length - 1] ?? 0); i++) await tick();
  }
  return got;
}

describe('Chunks', () => {
  it('yields each chunk as it arrived, never joined, in order, whatever the pace of either side', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 40 }),
        fc.array(fc.nat(3), { maxLength: 40 }),
        fc.array(fc.nat(2), { maxLength: 40 }),
        async (pieces, readerDelays, writerDelays) => {
          const stream = new PassThrough();
          const buffers = pieces.map((p) => Buffer.from(p));
          const writing = (async () => {
            for (const [i, b] of buffers.entries()) {
              stream.write(b);
              for (let t = 0; t < (writerDelays[i] ?? 0); t++) await tick();
            }
            stream.end();
          })();
          const got = await drain(new Chunks(stream, 4), readerDelays);
          await writing;
          expect(got).toHaveLength(buffers.length);
          got.forEach((chunk, i) => expect(chunk.equals(buffers[i])).toBe(true));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pauses the stream while `most` chunks wait, and resumes it once they are read', async () => {
    const stream = new PassThrough();
    const chunks = new Chunks(stream, 3);
    for (let i = 0; i < 5; i++) stream.write(Buffer.from([i]));
    await tick();
    expect(chunks.waiting).toBe(3);
    expect(stream.isPaused()).toBe(true);
    stream.end();
    expect((await drain(chunks)).map((c) => c[0])).toEqual([0, 1, 2, 3, 4]);
  });

  it("fails with the stream's error, or with a premature close when it ends without one", async () => {
    const failing = new PassThrough();
    const reading = drain(new Chunks(failing));
    failing.write(Buffer.from('x'));
    failing.destroy(new Error('upstream reset'));
    await expect(reading).rejects.toThrow('upstream reset');

    const cut = new PassThrough();
    const cutReading = drain(new Chunks(cut));
    cut.write(Buffer.from('x'));
    cut.destroy();
    await expect(cutReading).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('destroys the stream when the reader stops early', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.from('a'));
    stream.write(Buffer.from('b'));
    for await (const chunk of new Chunks(stream)) {
      expect(chunk.toString()).toBe('a');
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
