// The ceiling server, run as a CHILD PROCESS by ceiling.ts so that it has its own event loop: measured in
// the generator's process, the server and the generator would share one thread and the "ceiling" would be
// half of what the machine can do. One static JSON route, no logging, no plugins: the least work a Fastify
// request can do, which is what the project's services are compared against.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
process.send?.({ port: address.port });

// The parent owns our lifetime: when it disconnects (closed the channel, exited or crashed), stop.
process.on('disconnect', () => {
  void app.close().then(() => process.exit(0));
});
