print("kvotad")
