// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // A member is visible only where its module is imported, and an import is internal unless it says `public import`.
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "warroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "warroom", targets: ["warroom"]),
        .library(name: "WarRoomCore", targets: ["WarRoomCore"]),
        .library(name: "WarRoomRuntime", targets: ["WarRoomRuntime"]),
        .library(name: "WarRoomUI", targets: ["WarRoomUI"]),
        .library(name: "LaunchSimulator", targets: ["LaunchSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // NIO's own modules, named because they are imported (AsyncHTTPClient and Hummingbird bring the package).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "WarRoomCore", swiftSettings: strict),
        .target(
            name: "WarRoomRuntime",
            dependencies: [
                "WarRoomCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API itself, for the two loops that touch every point (the migration, the point writes).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                // A dashboard's loops (clock, pollers, snapshot pump, journal catch-up, command drain) as services with a graceful shutdown.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // FilePath for swift-subprocess (System on Darwin).
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
            ],
            swiftSettings: strict
        ),
        .target(name: "WarRoomUI", dependencies: ["WarRoomCore"], swiftSettings: strict),
        // Themes from YAML (themes/ and the user's folder); kept apart so that WarRoomUI stays free of Yams.
        .target(name: "WarRoomThemes", dependencies: ["WarRoomUI", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
        .target(name: "WarRoomTerminal", dependencies: ["WarRoomCore", "WarRoomUI", "CNcursesw"], swiftSettings: strict),
        .target(
            name: "LaunchSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "warroom",
            dependencies: [
                "WarRoomCore", "WarRoomRuntime", "WarRoomUI", "WarRoomThemes", "WarRoomTerminal", "LaunchSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "WarRoomCoreTests", dependencies: ["WarRoomCore", "WarRoomTestSupport"], exclude: ["Snapshots"], swiftSettings: strict),
        .testTarget(
            name: "WarRoomUITests", dependencies: ["WarRoomUI", "WarRoomCore"],
            exclude: ["Snapshots"], swiftSettings: strict),
        .testTarget(name: "WarRoomThemesTests", dependencies: ["WarRoomThemes", "WarRoomUI"], swiftSettings: strict),
        // Real servers (Prometheus, Alertmanager) started by tests on loopback ports.
        .target(
            name: "WarRoomTestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: strict
        ),
        .testTarget(
            name: "WarRoomRuntimeTests",
            dependencies: [
                "WarRoomRuntime", "WarRoomCore", "LaunchSimulator", "WarRoomTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests", dependencies: ["WarRoomCore", "WarRoomRuntime", "WarRoomUI", "WarRoomTestSupport"], swiftSettings: strict),
    ]
)
