import Benchmark
import Foundation
import Support
import WarRoomCore
import WarRoomUI

// One frame of the dashboard at 240x70: what the terminal thread does every
// second and on every new snapshot. Target: render + diff within 0.5 ms.

let width = 240
let height = 70

/// Consecutive snapshots, one second apart, after an hour of launch: each
/// frame moves the sparklines, values, ages and clocks, as in a live room.
final class Frames {
    let snapshots: [Snapshot]
    let grids: [Grid]
    let dashboard = Dashboard()
    var previous: Grid?
    /// The grid the next frame is drawn into: the terminal's two grids take turns.
    var frame = Grid(width: 0, height: 0)
    var index = 0

    init(count: Int = 16) {
        var state = Fixture.state()
        var snapshots: [Snapshot] = []
        for next in Fixture.followingSamples(after: state, count: count) {
            state.apply(next)
            snapshots.append(Snapshot(state: state, publishedAt: next.time.addingTimeInterval(0.3)))
        }
        self.snapshots = snapshots
        grids = snapshots.map { Dashboard().render($0, now: $0.publishedAt, width: width, height: height) }
    }

    func next() -> Snapshot {
        defer { index += 1 }
        return snapshots[index % snapshots.count]
    }
}

/// CPU time of the calling thread, in nanoseconds: unlike the wall clock it
/// does not count time the thread spent preempted on a busy machine.
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

let threadCPU = BenchmarkMetric.custom("threadCPU", polarity: .prefersSmaller, useScalingFactor: false)
let frameMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocBytesCount, threadCPU]
let cellRuns = BenchmarkMetric.custom("cellRuns", polarity: .prefersSmaller, useScalingFactor: false)
let changedCells = BenchmarkMetric.custom("changedCells", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: frameMetrics,
        timeUnits: .nanoseconds,
        units: exactUnits(frameMetrics + [cellRuns, changedCells]),
        warmupIterations: 20,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    Benchmark("render_diff_240x70", configuration: .init(metrics: frameMetrics + [cellRuns, changedCells])) { benchmark, frames in
        let snapshot = frames.next()
        benchmark.startMeasurement()
        let cpu = threadCPUNanoseconds()
        // As the terminal does: draw into the grid of two frames ago, diff against the last one.
        frames.dashboard.render(snapshot, now: snapshot.publishedAt, width: width, height: height, into: &frames.frame)
        let runs = frames.frame.changes(since: frames.previous)
        let cpuUsed = threadCPUNanoseconds() - cpu
        benchmark.stopMeasurement()
        benchmark.measurement(threadCPU, cpuUsed)
        let drawn = frames.frame
        frames.frame = frames.previous ?? Grid(width: 0, height: 0)
        frames.previous = drawn
        benchmark.measurement(cellRuns, runs.count)
        benchmark.measurement(changedCells, runs.reduce(0) { $0 + $1.width })
        blackHole(runs)
    } setup: {
        Frames()
    }

    // `render(...) -> Grid`: a new grid each frame (the API tests and tools use).
    Benchmark("render_240x70") { benchmark, frames in
        let snapshot = frames.next()
        benchmark.startMeasurement()
        let cpu = threadCPUNanoseconds()
        let grid = frames.dashboard.render(snapshot, now: snapshot.publishedAt, width: width, height: height)
        let cpuUsed = threadCPUNanoseconds() - cpu
        benchmark.stopMeasurement()
        benchmark.measurement(threadCPU, cpuUsed)
        blackHole(grid)
    } setup: {
        Frames()
    }

    Benchmark("diff_240x70") { benchmark, frames in
        let i = frames.index % frames.grids.count
        frames.index += 1
        let previous = frames.grids[(i + frames.grids.count - 1) % frames.grids.count]
        let grid = frames.grids[i]
        benchmark.startMeasurement()
        let cpu = threadCPUNanoseconds()
        let runs = grid.changes(since: previous)
        let cpuUsed = threadCPUNanoseconds() - cpu
        benchmark.stopMeasurement()
        benchmark.measurement(threadCPU, cpuUsed)
        blackHole(runs)
    } setup: {
        Frames()
    }
}
