# ippm owamp server and client: live tests with TWAMP's in
# impl/owtw/tests.cmake (one script serves both).
