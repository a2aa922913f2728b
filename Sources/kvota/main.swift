print("kvota")
