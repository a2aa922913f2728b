/// Integer tables with exact row and column sums that follow a pattern of preferences: the
/// published marginals (by category, by country, by sector) are exact, their combination plausible.
enum MarginFit {
    /// A table of non-negative integers whose rows sum to `rows` and columns to `columns`, close to
    /// `weights` scaled to those sums (iterative proportional fitting, then rounding that keeps the sums).
    static func fit(rows: [Int], columns: [Int], weights: [[Double]]) -> [[Int]] {
        precondition(rows.reduce(0, +) == columns.reduce(0, +), "row and column totals differ")
        precondition(weights.count == rows.count && weights.allSatisfy { $0.count == columns.count })
        var real = weights.map { $0.map { max($0, 1e-9) } }
        for _ in 0..<300 {
            for i in rows.indices {
                let sum = real[i].reduce(0, +)
                let factor = sum > 0 ? Double(rows[i]) / sum : 0
                for j in columns.indices { real[i][j] *= factor }
            }
            for j in columns.indices {
                let sum = rows.indices.reduce(0.0) { $0 + real[$1][j] }
                let factor = sum > 0 ? Double(columns[j]) / sum : 0
                for i in rows.indices { real[i][j] *= factor }
            }
        }
        // Round each row to its exact sum (largest remainders).
        var table = real.enumerated().map { round(row: $0.element, to: rows[$0.offset]) }
        // Move single units inside rows until every column has its sum.
        while true {
            let sums = columns.indices.map { j in rows.indices.reduce(0) { $0 + table[$1][j] } }
            guard let over = columns.indices.first(where: { sums[$0] > columns[$0] }),
                let under = columns.indices.first(where: { sums[$0] < columns[$0] })
            else { break }
            var best = -1
            var bestGain = -Double.infinity
            for i in rows.indices where table[i][over] > 0 {
                let gain = (real[i][under] - Double(table[i][under])) + (Double(table[i][over]) - real[i][over])
                if gain > bestGain {
                    bestGain = gain
                    best = i
                }
            }
            table[best][over] -= 1
            table[best][under] += 1
        }
        return table
    }

    /// `values` rounded to integers that sum to `total` (largest remainders; ties to the first).
    static func round(row values: [Double], to total: Int) -> [Int] {
        var result = values.map { Int($0.rounded(.down)) }
        var missing = total - result.reduce(0, +)
        let order = values.indices.sorted {
            let a = values[$0] - values[$0].rounded(.down)
            let b = values[$1] - values[$1].rounded(.down)
            return a != b ? a > b : $0 < $1
        }
        var index = 0
        while missing > 0 && !order.isEmpty {
            result[order[index % order.count]] += 1
            missing -= 1
            index += 1
        }
        return result
    }

    /// Integers that sum to `total`, in proportion to `weights`.
    static func split(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        return round(row: weights.map { Double(total) * $0 / sum }, to: total)
    }

    /// Splits `budget` over regions: each gets at least `lower`, and beyond that units in proportion
    /// to `shares` (water-filling: `max(lower, λ·share)`), summing to `budget` exactly.
    static func waterFill(lower: [Int], shares: [Double], budget: Int) -> [Int] {
        precondition(lower.reduce(0, +) <= budget, "the floors \(lower.reduce(0, +)) exceed the budget \(budget)")
        func total(_ lambda: Double) -> Double {
            zip(lower, shares).reduce(0.0) { $0 + max(Double($1.0), lambda * $1.1) }
        }
        var low = 0.0
        var high = Double(budget) / (shares.min() ?? 1)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if total(middle) > Double(budget) { high = middle } else { low = middle }
        }
        var result = zip(lower, shares).map { max($0.0, Int((low * $0.1).rounded(.down))) }
        var missing = budget - result.reduce(0, +)
        let order = shares.indices.sorted { shares[$0] != shares[$1] ? shares[$0] > shares[$1] : $0 < $1 }
        var index = 0
        while missing > 0 {
            result[order[index % order.count]] += 1
            missing -= 1
            index += 1
        }
        return result
    }
}
