/**
 * `evaluateRules` while another hub replica holds the evaluation lease answers EVALUATION_RUNNING
 * with the running evaluation named in its message. Before, server/errors.ts did not know the code
 * and turned the answer into "internal error; the hub logged it".
 */
import { startTestHub, type TestHub } from './helpers';

describe('evaluateRules while another replica evaluates', () => {
  for (const production of [true, false]) {
    describe(production ? 'in production' : 'in development', () => {
      let t: TestHub;
      beforeAll(async () => {
        t = await startTestHub({ production });
      });
      afterAll(async () => {
        await t.close();
      });

      it('answers EVALUATION_RUNNING, not an internal error', async () => {
        const lock = t.connection.db!.collection<{ _id: string; holder: string | null; until: Date; version?: number }>('evaluation_lock');
        // another replica holds the lease for ten more minutes
        await lock.deleteMany({});
        await lock.insertOne({ _id: 'evaluation', holder: 'replica-b', until: new Date(Date.now() + 600_000), version: 1 });
        const { status, body } = await t.gql('mutation { evaluateRules { runId } }');
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0].extensions.code).toBe('EVALUATION_RUNNING');
        expect(body.errors[0].message).not.toMatch(/internal error/);
        expect(status).toBe(200);
      });
    });
  }
});
