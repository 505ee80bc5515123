import { randomBytes } from 'node:crypto';
import t from 'tap';
import { connectJetStreamBus, type JetStreamBus } from '../../../libs/bus/jetstream-bus.ts';
import { busContract, type ContractStreams } from './bus-contract.ts';

/** This machine's NATS with JetStream (DESIGN.md §8). */
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** A short lease, so a killed consumer's message comes back within the contract's patience. */
const TEST_ACK_WAIT_MS = 1_000;

busContract(t, 'JetStream bus', {
  async create() {
    // Own stream names per test: a prefix nobody else uses, removed afterwards.
    const prefix = `test_${randomBytes(5).toString('hex')}`;
    const open = (name: string) => connectJetStreamBus<ContractStreams>({ servers: NATS_URL, prefix, partitions: 16, ackWaitMs: TEST_ACK_WAIT_MS, name });
    const publisher = await open('contract-publisher');
    const replicas: JetStreamBus<ContractStreams>[] = [];
    return {
      publisher,
      replica: async () => {
        const replica = await open(`contract-replica-${replicas.length}`);
        replicas.push(replica);
        return replica;
      },
      kill: async (replica) => (replica as JetStreamBus<ContractStreams>).abort(),
      async cleanup() {
        await Promise.all(replicas.map((replica) => replica.close()));
        await publisher.destroy(['work']);
        await publisher.close();
      },
    };
  },
});
