"""make bench's load-proof figures (bench/overhead_report.py): the workload's
own CPU per operation, its ratio to no monitor and to the floor, the
per-round ratios, and the wall-time slowdown over the floor's."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import overhead_monitors as om  # noqa: E402
import overhead_report as rep  # noqa: E402
import overhead_workloads as ow  # noqa: E402


def runs(*pairs):
    """Runs of rounds 0, 1, ...: (ops/s or seconds, own CPU)."""
    return [{"value": v, "own_cpu": c, "round": i} for i, (v, c) in enumerate(pairs)]


class Loop:
    name, unit, higher_is_better, kind, cpu_unit, goal = "open", "ops/s", True, None, "ns/op", "g"


class Build(Loop):
    name, unit, higher_is_better, cpu_unit = "build", "s", False, "CPU s"


class OwnCpuTest(unittest.TestCase):
    def test_ratio_to_none_and_to_the_floor_are_of_medians(self):
        none = runs((1000, 3000), (900, 3100), (1100, 2900))
        floor = runs((950, 3300), (800, 3200), (1000, 3400))
        run = runs((900, 3630), (700, 3500), (950, 3800))
        f = rep.cell_figures(Loop(), run, none, floor)
        self.assertEqual((f["own"], f["own_min"], f["own_max"]), (3630, 3500, 3800))
        self.assertAlmostEqual(f["own_none"], 3630 / 3000)
        self.assertAlmostEqual(f["own_floor"], 3630 / 3300)
        # Wall: slowdown 1000/900 over the floor's 1000/950.
        self.assertAlmostEqual(f["slowdown"], 1000 / 900)
        self.assertAlmostEqual(f["x_floor"], (1000 / 900) / (1000 / 950))
        # Within each round: 3630/3300, 3500/3200, 3800/3400, sorted.
        self.assertEqual(f["own_floor_rounds"], sorted([3630 / 3300, 3500 / 3200, 3800 / 3400]))

    def test_rounds_pair_by_round_not_by_position(self):
        floor = [{"value": 1, "own_cpu": 200, "round": 1}, {"value": 1, "own_cpu": 100, "round": 0}]
        run = [{"value": 1, "own_cpu": 110, "round": 0}, {"value": 1, "own_cpu": 300, "round": 2}]
        self.assertEqual(rep.round_ratios(run, floor), [1.1])

    def test_the_build_is_slower_when_its_seconds_grow(self):
        none = runs((8.0, 14.0))
        floor = runs((8.4, 14.5))
        run = runs((8.8, 15.4))
        f = rep.cell_figures(Build(), run, none, floor)
        self.assertAlmostEqual(f["slowdown"], 1.1)
        self.assertAlmostEqual(f["x_floor"], 8.8 / 8.4)
        self.assertAlmostEqual(f["own_none"], 1.1)

    def test_missing_figures_give_none_not_a_crash(self):
        none = [{"value": 1000}]
        f = rep.cell_figures(Loop(), runs((900, 3000)), none)
        self.assertEqual(f["own"], 3000)
        self.assertIsNone(f["own_none"])
        self.assertIsNone(f["own_floor"])
        self.assertIsNone(f["x_floor"])
        self.assertEqual(f["own_floor_rounds"], [])
        self.assertEqual(rep.own_cpu([{"value": 1}]), (None, None, None))
        self.assertIsNone(rep.ratio(1.0, 0))

    def test_floor_table_judges_run_against_floor_run(self):
        mons = [om.Monitor("none", []), om.Monitor("floor-run", []),
                om.Monitor("run", [], floor="floor-run"), om.Monitor("bpftrace", [])]
        cells = {("open", "none"): runs((1000, 3000)), ("open", "floor-run"): runs((950, 3300)),
                 ("open", "run"): runs((900, 3630)), ("open", "bpftrace"): runs((300, 9000))}
        table = rep.floor_table([Loop()], mons, cells)
        rows = [r for r in table.splitlines() if r.startswith("| open")]
        self.assertEqual(len(rows), 1, table)
        self.assertIn("| run |", rows[0])
        self.assertIn("**1.100x** (1.100–1.100)", rows[0])
        self.assertIn("1.100x, 1.210x", rows[0])  # own CPU ÷ none: floor, run
        matrix = rep.matrix_table([Loop()], mons, cells)
        self.assertIn("| open | run | 900 ops/s (900–900) | 1.111x | 1.056x | "
                      "3630 ns/op (3630–3630) | 1.210x | 1.100x |", matrix)
        # Without a floor run, no table rather than a table of dashes.
        del cells[("open", "floor-run")]
        self.assertEqual(rep.floor_table([Loop()], mons, cells), "")

    def test_every_workload_states_its_cpu_unit_and_goal(self):
        for cls in ow.ALL:
            self.assertTrue(cls.cpu_unit and cls.goal, cls.__name__)


if __name__ == "__main__":
    unittest.main()
