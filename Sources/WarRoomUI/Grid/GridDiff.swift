/// A run of changed cells on one row that share a role: what a terminal
/// backend writes to bring the screen from one frame to the next.
public struct CellRun: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var role: Role
    /// The scalars to write, continuation cells of wide characters left out.
    public var scalars: [Unicode.Scalar]
    /// Columns covered, including continuation cells.
    public var width: Int
}

extension Grid {
    /// The runs of cells that differ from `previous` (everything when there is
    /// no previous frame or its size differs).
    public func changes(since previous: Grid?) -> [CellRun] {
        let full = previous.map { $0.width != width || $0.height != height } ?? true
        var runs: [CellRun] = []
        cells.withUnsafeBufferPointer { now in
            let before = full ? nil : previous?.cells
            for y in 0 ..< height {
                let row = y * width
                var x = 0
                while x < width {
                    if let before, before[row + x] == now[row + x] {
                        x += 1
                        continue
                    }
                    let role = now[row + x].role
                    let start = x
                    var scalars: [Unicode.Scalar] = []
                    while x < width {
                        let c = now[row + x]
                        if c.role != role { break }
                        if let before, x > start, before[row + x] == c { break }
                        if !c.isContinuation { scalars.append(c.scalar) }
                        x += 1
                    }
                    runs.append(CellRun(x: start, y: y, role: role, scalars: scalars, width: x - start))
                }
            }
        }
        return runs
    }
}
