// swift-tools-version: 6.1
// Benchmarks for warroom, kept out of the main package so that the benchmark
// dependency never enters its build or test run. Run with `bash run.sh`.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// A benchmark suite: `Benchmarks/<name>/`, as ordo-one/benchmark discovers them.
func suite(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["Support", .product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: name,
        swiftSettings: strict,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "warroom-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, so the products below resolve whatever the checkout's folder is called.
        .package(name: "warroom", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "Support",
            dependencies: [
                .product(name: "WarRoomCore", package: "warroom"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Support",
            swiftSettings: strict
        ),
        suite("Frame", [.product(name: "WarRoomCore", package: "warroom"), .product(name: "WarRoomUI", package: "warroom")]),
        suite("Events", [.product(name: "WarRoomCore", package: "warroom"), .product(name: "WarRoomRuntime", package: "warroom")]),
        suite("JournalAppend", [.product(name: "WarRoomCore", package: "warroom"), .product(name: "WarRoomRuntime", package: "warroom")]),
        suite("Scrape", [.product(name: "WarRoomCore", package: "warroom"), .product(name: "LaunchSimulator", package: "warroom")]),
        suite("History", [.product(name: "WarRoomCore", package: "warroom")]),
    ]
)
