package compat

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.cancelAndJoinAtExit
import dev.exitscope.coroutines.exitDeadline
import dev.exitscope.coroutines.exitScope
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.registerFunction
import dev.exitscope.coroutines.registerSuspend
import dev.exitscope.coroutines.suspendApp
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import java.io.File
import kotlin.time.Duration.Companion.seconds

/** A resource with a suspending close, as a database connection pool would have. */
class Connection(private val name: String) {
  suspend fun close() {
    delay(1)
    println("closed $name")
  }
}

fun goodbye(name: String, adjective: String) {
  println("Goodbye $name, it was $adjective to meet you.")
}

fun farewell(name: String) {
  println("Farewell $name")
}

/** Every natural form of the Kotlin API, as the README shows it, compiled by an older Kotlin. */
fun main() = suspendApp {
  val global = ExitScope.global()
  global.exitDeadline = 10.seconds
  println("deadline ${global.exitDeadline}")
  global.cancelAndJoinAtExit(Job(), name = "background work")

  val connection = Connection("db")
  atExit.registerSuspend(connection::close)
  atExit.registerSuspend("metrics", 2.seconds) {
    delay(1)
    println("metrics flushed within its timeout: ${exitTimeLeft() <= 2.seconds}")
  }
  atExit.registerSuspend(1.seconds) { println("suspend handler with a timeout") }
  atExit.registerSuspend { println("suspend handler") }
  atExit.registerFunction(::goodbye, "Donny", "nice")
  atExit.registerFunction(::farewell, "Walter")
  atExit.registerFunction(::farewell, "Walter")
  println("unregister(::farewell) removed ${atExit.unregister(::farewell)}")

  val scratch = File.createTempFile("exitscope-compat", ".tmp")
  atExit.registerFunction(scratch::delete)
  println("unregister(scratch::delete) removed ${atExit.unregister(scratch::delete)}")
  scratch.delete()

  exitScope { registerSuspend { println("exitScope handler") } }
  println("main returns")
}
