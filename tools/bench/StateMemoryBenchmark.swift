import ArgumentParser
import Foundation
import KvotaCore

/// How much resident memory the quota rules' state takes per application it remembers: files N
/// applications into a `QuotaState` and reads this process's VmRSS before and after.
struct StateMemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state-memory", abstract: "Resident memory of the quota state per filed application.")

    @Option(help: "Applications to file.") var applications = 100_000

    func run() throws {
        let before = MemorySampler.read(getpid(), "VmRSS") ?? 0
        var state = QuotaState()
        for n in 0..<applications {
            let data: JSONObject = [
                "region": "KZ-75", "year": 2026, "line": "foreign-labour",
                "employerBin": .string(BIN.synthetic(n % 500).digits), "category": "cat3", "workers": 5,
                "sector": "F", "countryOfOrigin": "CN", "vacancyRef": .string("enbek-\(n)"),
                "vacancyPostedOn": "2026-01-05",
            ]
            let stream = "application-\(UUID().lowercased)"
            state.evolve(try DomainEvent(stream: stream, type: "ApplicationFiled", data: data), position: Int64(n))
            if n % 1000 == 999 { state.flatten() }
        }
        state.flatten()
        let after = MemorySampler.read(getpid(), "VmRSS") ?? 0
        print(
            "quota state of \(applications) filed applications: VmRSS +\((after - before) / 1024) MB = "
                + "\((after - before) * 1024 / applications) bytes each")
        withExtendedLifetime(state) {}
    }
}
