from trygg.cli import main

main()
