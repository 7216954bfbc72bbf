package dev.exitscope.examples.kotlin

/** Uses MainOnly.kt's function as a library: nothing is registered. */
fun main() {
  mainOnlyCleanup()
}
