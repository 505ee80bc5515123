/**
 * `npm run exchange-stub`: the Binance stub on its own, for trying live trading by hand.
 * EXCHANGE_STUB_PORT picks the port (default: any free one); one account is created with
 * STUB_API_KEY / STUB_SECRET (defaults printed) holding 100,000 USDT.
 */
import { startBinanceStub } from './binance-stub.ts';

const apiKey = process.env['STUB_API_KEY'] ?? 'stub-api-key';
const secret = process.env['STUB_SECRET'] ?? 'stub-secret';
const stub = await startBinanceStub({ markets: { BTCUSDT: { base: 'BTC', quote: 'USDT', price: '100' }, ETHUSDT: { base: 'ETH', quote: 'USDT', price: '10' } } });
stub.addAccount(apiKey, secret, { USDT: '100000', BTC: '0', ETH: '0', BNB: '10' });
process.stdout.write(`Binance stub on ${stub.url} (point ccxt's binance urls.api at it); account key ${apiKey}\n`);
process.on('SIGINT', () => void stub.close().then(() => process.exit(0)));
