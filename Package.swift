// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target: Swift 6 mode, strict concurrency, explicit existentials.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Kvota",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kvotad", targets: ["kvotad"]),
        .executable(name: "kvota", targets: ["kvota"]),
        .executable(name: "kvota-bench", targets: ["kvota-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Pure domain: events, canonical encoding, rules. No IO.
        .target(name: "KvotaCore", swiftSettings: swiftSettings),
        // Leaf hashes, Merkle tree and checkpoints: pure computation over KvotaCore's canonical bytes.
        .target(
            name: "KvotaAudit",
            dependencies: ["KvotaCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The published 2025 history (demo data) and large synthetic histories (benchmarks). Pure.
        .target(name: "KvotaHistory", dependencies: ["KvotaCore", "KvotaAudit"], swiftSettings: swiftSettings),
        // The PostgreSQL event store over libpq.
        .target(
            name: "KvotaStore",
            dependencies: [
                "CLibPQ", "KvotaCore", "KvotaAudit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KvotaServer",
            dependencies: [
                "KvotaCore", "KvotaStore", "KvotaAudit", "KvotaHistory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The offline client: profiles, the SQLite journal (GRDB), the server API, sync and conflicts.
        .target(
            name: "KvotaClient",
            dependencies: [
                "KvotaCore", "KvotaAudit",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The journal's bulk insert binds through the raw statement (Journal+Pulled.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kvotad",
            dependencies: [
                "KvotaServer", "KvotaStore", "KvotaCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kvota",
            dependencies: [
                "KvotaClient", "KvotaCore", "KvotaAudit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kvota-bench",
            dependencies: [
                "KvotaStore", "KvotaCore", "KvotaHistory", "CLibPQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "tools/bench",
            exclude: ["push-single.lua"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KvotaAuditTests", dependencies: ["KvotaAudit", "KvotaCore"], swiftSettings: swiftSettings),
        .testTarget(name: "KvotaCoreTests", dependencies: ["KvotaCore", "KvotaAudit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KvotaHistoryTests", dependencies: ["KvotaHistory", "KvotaCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KvotaStoreTests",
            dependencies: ["KvotaStore", "KvotaCore", "KvotaServer"],
            swiftSettings: swiftSettings
        ),
        // The client's journal and resolution logic, and end to end against a real server and PostgreSQL.
        .testTarget(
            name: "KvotaClientTests",
            dependencies: [
                "KvotaClient", "KvotaServer", "KvotaStore", "KvotaCore", "KvotaAudit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // End to end through real HTTP: the application in-process on a live port, and kvotad processes.
        .testTarget(
            name: "KvotaServerTests",
            dependencies: [
                "KvotaServer", "KvotaStore", "KvotaCore", "KvotaAudit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
