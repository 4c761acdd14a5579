"""The peer comparison's model in SimPy: M/M/1 with lambda = 0.9, mu = 1 per minute.

Written the way SimPy's documentation and most analysts write it: a source process creates
customers, each customer process requests the server (a Resource of capacity 1), holds it for
an exponential service time, and releases it. The run lasts 10**6/0.9 minutes (about one
million customers), the same horizon as bench/peer/mm1.ron.

Prints one JSON object: customers served, the mean queue wait, and wall-clock seconds of the
simulation itself (interpreter start-up and imports excluded).
"""

import json
import random
import sys
import time

import simpy

LAMBDA, MU = 0.9, 1.0
HORIZON = 1_000_000 / LAMBDA


def main(seed: int) -> None:
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = {"served": 0, "wait": 0.0}

    def customer(env):
        arrived = env.now
        with server.request() as req:
            yield req
            stats["wait"] += env.now - arrived
            yield env.timeout(rng.expovariate(MU))
        stats["served"] += 1

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(LAMBDA))
            env.process(customer(env))

    env.process(source(env))
    started = time.perf_counter()
    env.run(until=HORIZON)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "customers": stats["served"],
                "mean_wait": stats["wait"] / max(stats["served"], 1),
                "seconds": seconds,
                "simpy": simpy.__version__,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
